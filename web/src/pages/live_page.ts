// A camera's live picture: the MJPEG stream of the frames the system already has,
// the latest motion and detection boxes drawn over it on request (B), fullscreen (F).
import { api, ApiError, liveUrl } from "../api";
import { h, replace } from "../dom";
import { ago, coordinates, percent, shortTime, streamBadge, typeBadge } from "../format";
import { store } from "../store";
import type { Box, Camera, Overlay } from "../types";
import type { Page } from "./page";

const OVERLAY_EVERY_MS = 400;
// Boxes older than this are stale: the scene has moved on.
const BOX_MAX_AGE_MS = 5000;

export function livePage(cameraId: string): Page {
  const img = h("img", { class: "live-img", alt: `Live picture of ${cameraId}` });
  const canvas = h("canvas", { class: "live-overlay" });
  const waiting = h("div", { class: "live-waiting" }, "Connecting to the live picture…");
  const hudTime = h("span", { class: "mono" });
  const hud = h("div", { class: "live-hud" }, h("span", { class: "rec" }), "LIVE", hudTime);
  const stage = h("div", { class: "live-stage" }, img, canvas, hud, waiting);
  const boxesToggle = h("input", { type: "checkbox", id: "boxes-toggle", checked: localStorage.getItem("vigie.live.boxes") !== "0" });
  const fullBtn = h("button", { class: "btn", type: "button", title: "Fullscreen (F)" }, "Fullscreen", h("kbd", {}, "F"));
  const title = h("h1", {}, cameraId);
  const info = h("div", { class: "live-info" });
  const legend = h(
    "div",
    { class: "live-legend" },
    h("span", {}, h("span", { class: "box-swatch motion" }), "Motion"),
    h("span", {}, h("span", { class: "box-swatch detection" }), "Detection"),
  );
  const recent = h("ol", { class: "recent-alerts" });
  const root = h(
    "div",
    { class: "page live-page" },
    h(
      "div",
      { class: "live-main" },
      h(
        "div",
        { class: "page-head" },
        h("a", { class: "btn btn-small", href: "#/cameras", title: "Back to cameras" }, "←"),
        title,
        h("div", { class: "spacer" }),
        h("label", { class: "check", title: "Draw the latest boxes (B)" }, boxesToggle, h("span", {}, "Boxes")),
        legend,
        fullBtn,
      ),
      stage,
    ),
    h("aside", { class: "panel live-side" }, h("header", { class: "panel-head" }, h("h2", {}, "Camera")), info, h("h3", { class: "pad-x" }, "Open alerts"), recent),
  );

  let overlay: Overlay | null = null;
  let timer: number | undefined;
  let stopped = false;

  const camera = (): Camera | undefined => store.cameras.get(cameraId);

  const drawInfo = () => {
    const c = camera();
    if (!c) {
      replace(info, h("p", { class: "muted pad" }, store.cameras.size ? `No camera ${cameraId}.` : "Loading…"));
      return;
    }
    title.textContent = c.name;
    replace(
      info,
      h(
        "dl",
        { class: "facts pad" },
        h("dt", {}, "Status"),
        h("dd", {}, streamBadge(c)),
        h("dt", {}, "Id"),
        h("dd", { class: "mono" }, c.id),
        h("dt", {}, "Frame rate"),
        h("dd", {}, c.status?.fps ? `${c.status.fps.toFixed(1)} fps` : "—"),
        h("dt", {}, "Last frame"),
        h("dd", {}, ago(c.status?.last_frame_time)),
        h("dt", {}, "Stream"),
        h("dd", { class: "mono small" }, `${c.analysis_stream.kind.toUpperCase()} ${c.analysis_stream.url}`),
        h("dt", {}, "Position"),
        h("dd", { class: "mono small" }, coordinates(c.latitude, c.longitude)),
        h("dt", {}, "Analyses"),
        h("dd", {}, (c.analyses ?? []).join(", ") || "—"),
        c.status?.last_error ? [h("dt", {}, "Last error"), h("dd", { class: "error-text small" }, c.status.last_error)] : null,
      ),
    );
  };

  const drawRecent = () => {
    const alerts = store.sortedOpenAlerts().filter((a) => a.camera_id === cameraId);
    replace(
      recent,
      alerts.length
        ? alerts.map((a) =>
            h(
              "li",
              {},
              h("a", { href: `#/map?alert=${encodeURIComponent(a.id)}` }, typeBadge(a.type), ` ${a.label || a.analysis} · ${shortTime(a.first_seen)}`),
            ),
          )
        : h("li", { class: "muted" }, "None"),
    );
  };

  const drawBoxes = () => {
    const rect = stage.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(rect.width * dpr);
    canvas.height = Math.round(rect.height * dpr);
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (!boxesToggle.checked || !overlay || !img.naturalWidth) return;
    // Where the picture lies in the stage (object-fit: contain).
    const fit = Math.min(canvas.width / img.naturalWidth, canvas.height / img.naturalHeight);
    const picW = img.naturalWidth * fit;
    const picH = img.naturalHeight * fit;
    const left = (canvas.width - picW) / 2;
    const top = (canvas.height - picH) / 2;
    const now = Date.now();
    const fresh = (t: string) => now - Date.parse(t) < BOX_MAX_AGE_MS;
    const draw = (b: Box, fw: number, fh: number, colour: string, label?: string) => {
      const sx = picW / fw;
      const sy = picH / fh;
      const x = left + b.x * sx;
      const y = top + b.y * sy;
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2 * dpr;
      ctx.strokeRect(x, y, b.width * sx, b.height * sy);
      if (label) {
        ctx.font = `600 ${12 * dpr}px system-ui, sans-serif`;
        const w = ctx.measureText(label).width + 8 * dpr;
        ctx.fillStyle = colour;
        ctx.fillRect(x - dpr, Math.max(top, y - 17 * dpr), w, 17 * dpr);
        ctx.fillStyle = "#0b1220";
        ctx.fillText(label, x + 3 * dpr, Math.max(top + 13 * dpr, y - 4 * dpr));
      }
    };
    const m = overlay.motion;
    if (m && fresh(m.capture_time)) for (const b of m.boxes) draw(b, m.frame_width, m.frame_height, "#facc15");
    for (const d of overlay.detections) {
      if (!fresh(d.capture_time)) continue;
      for (const o of d.objects) draw(o.box, d.frame_width, d.frame_height, "#f43f5e", `${o.label} ${percent(o.score)}`);
    }
  };

  const poll = async () => {
    if (stopped) return;
    if (boxesToggle.checked) {
      try {
        overlay = await api.overlay(cameraId);
        hudTime.textContent = overlay.frame ? shortTime(overlay.frame.capture_time) : "";
      } catch (e) {
        overlay = null;
        if (e instanceof ApiError && e.status === 404) boxesToggle.title = "No boxes for this camera yet";
      }
      drawBoxes();
    }
    if (!stopped) timer = window.setTimeout(() => void poll(), OVERLAY_EVERY_MS);
  };

  const setStream = () => {
    waiting.hidden = false;
    waiting.textContent = "Connecting to the live picture…";
    img.src = liveUrl(cameraId);
  };
  img.addEventListener("load", () => {
    waiting.hidden = true;
    drawBoxes();
  });
  img.addEventListener("error", () => {
    if (stopped) return;
    waiting.hidden = false;
    waiting.textContent = "No live picture: the camera sends no frame right now. Retrying…";
    window.setTimeout(() => !stopped && setStream(), 3000);
  });
  boxesToggle.addEventListener("change", () => {
    localStorage.setItem("vigie.live.boxes", boxesToggle.checked ? "1" : "0");
    drawBoxes();
  });
  const fullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void stage.requestFullscreen().catch(() => undefined);
  };
  fullBtn.addEventListener("click", fullscreen);
  const onResize = () => drawBoxes();
  window.addEventListener("resize", onResize);
  document.addEventListener("fullscreenchange", onResize);

  const unsubscribe = store.subscribe((e) => {
    if (e.kind === "cameras" || (e.kind === "camera" && e.id === cameraId)) drawInfo();
    if (e.kind === "alerts" || e.kind === "alert") drawRecent();
  });
  drawInfo();
  drawRecent();
  setStream();
  void poll();

  return {
    element: root,
    title: "Live view",
    onKey(e) {
      if (e.key === "f") {
        fullscreen();
        return true;
      }
      if (e.key === "b") {
        boxesToggle.checked = !boxesToggle.checked;
        boxesToggle.dispatchEvent(new Event("change"));
        return true;
      }
      return false;
    },
    destroy() {
      stopped = true;
      window.clearTimeout(timer);
      // Ends the MJPEG request, so the server stops sending frames.
      img.removeAttribute("src");
      img.src = "data:,";
      window.removeEventListener("resize", onResize);
      document.removeEventListener("fullscreenchange", onResize);
      unsubscribe();
    },
  };
}
