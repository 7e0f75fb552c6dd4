// Words and colours the pages share, so a state looks the same everywhere.
import { h } from "./dom";
import type { AlertState, AlertType, Camera, StreamState } from "./types";

export const TYPE_LABEL: Record<AlertType, string> = {
  police: "Police",
  ambulance: "Ambulance",
  fire_brigade: "Fire brigade",
};

// Stroke and fill of an alert's marker and perimeter, by who responds.
export const TYPE_COLOURS: Record<AlertType, { stroke: string; fill: string }> = {
  police: { stroke: "#3b82f6", fill: "#3b82f6" },
  ambulance: { stroke: "#ef4444", fill: "#f8fafc" },
  fire_brigade: { stroke: "#dc2626", fill: "#f97316" },
};

export const STATE_LABEL: Record<AlertState, string> = {
  pending: "Pending",
  confirmed: "Confirmed",
  rejected: "Rejected",
  resolved: "Resolved",
};

export const STREAM_LABEL: Record<StreamState, string> = {
  unknown: "No report",
  connecting: "Connecting",
  connected: "Connected",
  reconnecting: "Reconnecting",
  stream_lost: "Stream lost",
  disabled: "Disabled",
};

export const STREAM_COLOUR: Record<StreamState, string> = {
  unknown: "#64748b",
  connecting: "#f59e0b",
  connected: "#22c55e",
  reconnecting: "#f59e0b",
  stream_lost: "#ef4444",
  disabled: "#6b7280",
};

// A disabled camera is disabled whatever ingest last said about it.
export function streamState(camera: Camera): StreamState {
  if (!camera.enabled) return "disabled";
  return camera.status?.state ?? "unknown";
}

export function typeBadge(type: AlertType): HTMLElement {
  return h("span", { class: `badge type-${type}` }, TYPE_LABEL[type] ?? type);
}

export function stateBadge(state: AlertState): HTMLElement {
  return h("span", { class: `badge state-${state}` }, STATE_LABEL[state] ?? state);
}

export function streamBadge(camera: Camera): HTMLElement {
  const state = streamState(camera);
  return h(
    "span",
    { class: `badge stream stream-${state}`, "data-stream-state": state, title: camera.status?.last_error || "" },
    h("span", { class: "dot" }),
    STREAM_LABEL[state],
  );
}

const pad = (n: number) => String(n).padStart(2, "0");

// Local time, 24 h, with the date only when it is not today.
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const now = new Date();
  if (d.toDateString() === now.toDateString()) return time;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

export function fullTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(
    d.getMinutes(),
  )}:${pad(d.getSeconds())}`;
}

export function ago(iso: string | null | undefined): string {
  if (!iso) return "never";
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (Number.isNaN(s)) return "—";
  if (s < 5) return "just now";
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

export function percent(score: number | undefined): string {
  return score === undefined ? "—" : `${Math.round(score * 100)} %`;
}

export function metres(m: number): string {
  return m >= 1000 ? `${(m / 1000).toFixed(m % 1000 === 0 ? 0 : 1)} km` : `${Math.round(m)} m`;
}

export function coordinates(lat: number, lon: number): string {
  return `${lat.toFixed(5)}, ${lon.toFixed(5)}`;
}
