// What every page shows live: the cameras with their status, the open alerts
// (pending and confirmed) and the fleet summary. Filled by REST at start and after
// every reconnection, kept current by the WebSocket in between.
import { api, ApiError, endSession, token } from "./api";
import { LiveSocket, type SocketState } from "./live_socket";
import type { Alert, Camera, CameraStatus, FleetHealth, SocketMessage } from "./types";

export type StoreEvent =
  | { kind: "cameras" }
  | { kind: "camera"; id: string }
  | { kind: "alerts" }
  | { kind: "alert"; alert: Alert; isNew: boolean }
  | { kind: "socket"; state: SocketState; detail: string }
  | { kind: "health" };

type Listener = (e: StoreEvent) => void;

const OPEN_STATES = new Set(["pending", "confirmed"]);

class Store {
  readonly cameras = new Map<string, Camera>();
  readonly openAlerts = new Map<string, Alert>();
  // Alerts raised while this page was open and not looked at yet: they pulse.
  readonly unseen = new Set<string>();
  health: FleetHealth | null = null;
  socketState: SocketState = "closed";
  socketDetail = "";
  loadError = "";
  private listeners = new Set<Listener>();
  private socket: LiveSocket | null = null;
  private healthTimer: number | undefined;
  private healthSoon: number | undefined;
  private refreshing: Promise<void> | null = null;

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private emit(e: StoreEvent): void {
    for (const l of [...this.listeners]) l(e);
  }

  start(): void {
    this.socket = new LiveSocket({
      token,
      onMessage: (m) => this.handle(m),
      onOpen: () => void this.refresh(),
      onState: (state, detail) => {
        this.socketState = state;
        this.socketDetail = detail;
        this.emit({ kind: "socket", state, detail });
        // A socket refused for a dead token only says "closed": REST tells.
        if (state === "reconnecting") void api.health().catch(() => undefined);
      },
      onAuthLost: (reason) => endSession(`Your session ended (${reason}): log in again.`),
    });
    this.socket.start();
    void this.refresh();
    this.healthTimer = window.setInterval(() => void this.refreshHealth(), 15_000);
  }

  stop(): void {
    this.socket?.stop();
    this.socket = null;
    window.clearInterval(this.healthTimer);
    this.cameras.clear();
    this.openAlerts.clear();
    this.unseen.clear();
    this.health = null;
  }

  retrySocket(): void {
    this.socket?.retryNow();
  }

  secondsToRetry(): number {
    return this.socket?.secondsToRetry() ?? 0;
  }

  // Everything again from REST; concurrent calls share one round.
  refresh(): Promise<void> {
    if (!this.refreshing) {
      this.refreshing = this.load().finally(() => (this.refreshing = null));
    }
    return this.refreshing;
  }

  private async load(): Promise<void> {
    try {
      const [cameras, pending, confirmed] = await Promise.all([
        api.cameras(),
        api.alerts({ state: "pending", limit: 500 }),
        api.alerts({ state: "confirmed", limit: 500 }),
      ]);
      this.cameras.clear();
      for (const c of cameras) this.cameras.set(c.id, c);
      const before = new Set(this.openAlerts.keys());
      this.openAlerts.clear();
      for (const a of [...pending.alerts, ...confirmed.alerts]) {
        this.openAlerts.set(a.id, a);
        // Raised while the socket was down: as new as if it had been pushed.
        if (before.size > 0 && !before.has(a.id) && a.state === "pending") this.unseen.add(a.id);
      }
      this.loadError = "";
      this.emit({ kind: "cameras" });
      this.emit({ kind: "alerts" });
    } catch (e) {
      this.loadError = e instanceof ApiError ? e.message : String(e);
      this.emit({ kind: "alerts" });
    }
    await this.refreshHealth();
  }

  async refreshHealth(): Promise<void> {
    try {
      this.health = await api.health();
    } catch {
      this.health = null;
    }
    this.emit({ kind: "health" });
  }

  // An alert as the server returned it after a decision, before the socket echoes it.
  applyAlert(alert: Alert): void {
    this.upsertAlert(alert);
  }

  applyCamera(camera: Camera): void {
    const old = this.cameras.get(camera.id);
    this.cameras.set(camera.id, { ...camera, status: camera.status ?? old?.status });
    this.emit({ kind: "camera", id: camera.id });
  }

  removeCamera(id: string): void {
    this.cameras.delete(id);
    this.emit({ kind: "cameras" });
  }

  markSeen(id: string): void {
    if (this.unseen.delete(id)) this.emit({ kind: "alerts" });
  }

  sortedOpenAlerts(): Alert[] {
    return [...this.openAlerts.values()].sort((a, b) => {
      // Pending first (they need a decision), then newest first.
      if (a.state !== b.state) return a.state === "pending" ? -1 : 1;
      return Date.parse(b.first_seen) - Date.parse(a.first_seen);
    });
  }

  private handle(m: SocketMessage): void {
    if (m.kind === "alert") this.upsertAlert(m.alert);
    else if (m.kind === "camera_status") this.updateStatus(m.status);
  }

  private upsertAlert(alert: Alert): void {
    const old = this.openAlerts.get(alert.id);
    // A late echo of an older revision must not undo a newer state.
    if (old && old.revision !== undefined && alert.revision !== undefined && alert.revision < old.revision) return;
    const isNew = !old && alert.state === "pending";
    if (OPEN_STATES.has(alert.state)) {
      this.openAlerts.set(alert.id, alert);
      if (isNew) this.unseen.add(alert.id);
    } else {
      this.openAlerts.delete(alert.id);
      this.unseen.delete(alert.id);
    }
    if (alert.state !== "pending") this.unseen.delete(alert.id);
    this.emit({ kind: "alert", alert, isNew });
  }

  private updateStatus(status: CameraStatus): void {
    const camera = this.cameras.get(status.camera_id);
    if (!camera) {
      // A camera this page has not heard of yet (added elsewhere): fetch it all.
      void this.refresh();
      return;
    }
    camera.status = status;
    this.emit({ kind: "camera", id: camera.id });
    // The fleet summary follows a status change, once for a burst of them.
    window.clearTimeout(this.healthSoon);
    this.healthSoon = window.setTimeout(() => void this.refreshHealth(), 1000);
  }
}

export const store = new Store();
