// The REST client: bearer token on every call, JSON in and out, errors as
// ApiError carrying the server's code, message and field.
import type {
  Alert,
  AlertPage,
  Analysis,
  Camera,
  CameraInput,
  CameraStatus,
  FleetHealth,
  Overlay,
  Role,
  Session,
  UiConfig,
} from "./types";

const SESSION_KEY = "vigie.session";
const ROLE_RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

let session: Session | null = load();
const logoutListeners: ((reason: string) => void)[] = [];

function load(): Session | null {
  try {
    const raw = localStorage.getItem(SESSION_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    return Date.parse(s.expires_at) > Date.now() ? s : null;
  } catch {
    return null;
  }
}

export function currentSession(): Session | null {
  if (session && Date.parse(session.expires_at) <= Date.now()) endSession("Your session expired: log in again.");
  return session;
}

export function token(): string {
  return session?.token ?? "";
}

// Whether the logged-in user's role is at least `role`.
export function can(role: Role): boolean {
  const s = currentSession();
  return !!s && ROLE_RANK[s.user.role] >= ROLE_RANK[role];
}

export function onLogout(listener: (reason: string) => void): void {
  logoutListeners.push(listener);
}

export function endSession(reason = ""): void {
  const had = session !== null;
  session = null;
  localStorage.removeItem(SESSION_KEY);
  if (had) for (const l of logoutListeners) l(reason);
}

async function request<T>(method: string, path: string, body?: unknown, auth = true): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (auth && session) headers.Authorization = `Bearer ${session.token}`;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, "network", "The event manager cannot be reached.");
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const e = (data ?? {}) as { error?: string; message?: string; field?: string };
    const message = e.message ?? `${method} ${path}: HTTP ${res.status}`;
    if (res.status === 401 && auth) endSession("Your session ended: log in again.");
    if (res.status === 429) {
      const retry = res.headers.get("Retry-After");
      throw new ApiError(429, e.error ?? "rate_limited", retry ? `${message} (retry in ${retry} s)` : message);
    }
    throw new ApiError(res.status, e.error ?? "http_error", message, e.field);
  }
  return data as T;
}

function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

export async function login(username: string, password: string): Promise<Session> {
  const s = await request<Session>("POST", "/api/auth/login", { username, password }, false);
  session = s;
  localStorage.setItem(SESSION_KEY, JSON.stringify(s));
  return s;
}

export interface AlertFilters {
  camera?: string;
  type?: string;
  state?: string;
  from?: string;
  to?: string;
  bbox?: string;
  limit?: number;
  cursor?: string;
}

export const api = {
  cameras: () => request<{ cameras: Camera[] }>("GET", "/api/cameras").then((r) => r.cameras),
  camera: (id: string) => request<Camera>("GET", `/api/cameras/${encodeURIComponent(id)}`),
  createCamera: (c: CameraInput) => request<Camera>("POST", "/api/cameras", c),
  updateCamera: (id: string, c: Partial<CameraInput>) => request<Camera>("PUT", `/api/cameras/${encodeURIComponent(id)}`, c),
  deleteCamera: (id: string) => request<void>("DELETE", `/api/cameras/${encodeURIComponent(id)}`),
  setCameraEnabled: (id: string, enabled: boolean) =>
    request<Camera>("POST", `/api/cameras/${encodeURIComponent(id)}/${enabled ? "enable" : "disable"}`),
  overlay: (id: string) => request<Overlay>("GET", `/api/cameras/${encodeURIComponent(id)}/overlay`),
  analyses: () => request<{ analyses: Analysis[] }>("GET", "/api/analyses").then((r) => r.analyses),
  createAnalysis: (a: Analysis) => request<Analysis>("POST", "/api/analyses", a),
  updateAnalysis: (name: string, a: Analysis) => request<Analysis>("PUT", `/api/analyses/${encodeURIComponent(name)}`, a),
  deleteAnalysis: (name: string) => request<void>("DELETE", `/api/analyses/${encodeURIComponent(name)}`),
  alerts: (f: AlertFilters) => request<AlertPage>("GET", `/api/alerts${query({ ...f })}`),
  alert: (id: string) => request<Alert>("GET", `/api/alerts/${encodeURIComponent(id)}`),
  decide: (id: string, state: "confirmed" | "rejected" | "resolved", note?: string) =>
    request<Alert>("POST", `/api/alerts/${encodeURIComponent(id)}/decisions`, note ? { state, note } : { state }),
  status: () => request<{ database: boolean; kafka: boolean; cameras: CameraStatus[] }>("GET", "/api/status"),
  health: () => request<FleetHealth>("GET", "/api/health/cameras"),
};

export function liveUrl(cameraId: string): string {
  return `/api/cameras/${encodeURIComponent(cameraId)}/live.mjpeg${query({ access_token: token() })}`;
}

// The UI settings; absent or unreadable means the defaults (offline base layer).
export async function loadConfig(): Promise<UiConfig> {
  try {
    const res = await fetch("config.json", { headers: { Accept: "application/json" } });
    if (!res.ok) return {};
    return (await res.json()) as UiConfig;
  } catch {
    return {};
  }
}
