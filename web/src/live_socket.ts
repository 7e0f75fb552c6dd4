// The alerts WebSocket (/api/ws): reconnects with exponential backoff and jitter,
// and tells its listeners each time it is back, so they fetch again what they
// may have missed while it was down.
import type { SocketMessage } from "./types";

export type SocketState = "connecting" | "open" | "reconnecting" | "closed";

export interface SocketOptions {
  token: () => string;
  onMessage: (m: SocketMessage) => void;
  onOpen: () => void;
  onState: (s: SocketState, detail: string) => void;
  // The server closed the socket because the token is no longer valid.
  onAuthLost: (reason: string) => void;
}

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 15_000;

export class LiveSocket {
  private ws: WebSocket | null = null;
  private delay = FIRST_DELAY_MS;
  private timer: number | undefined;
  private stopped = false;
  private nextAttemptAt = 0;

  constructor(private readonly options: SocketOptions) {}

  start(): void {
    this.stopped = false;
    this.connect("connecting");
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.timer);
    if (this.ws) {
      this.ws.onclose = null;
      this.ws.close(1000, "logged out");
      this.ws = null;
    }
    this.options.onState("closed", "");
  }

  // Seconds until the next attempt, for the status line; 0 when none is due.
  secondsToRetry(): number {
    return Math.max(0, Math.ceil((this.nextAttemptAt - Date.now()) / 1000));
  }

  // Skips the wait and tries again now.
  retryNow(): void {
    if (this.stopped || (this.ws && this.ws.readyState === WebSocket.OPEN)) return;
    window.clearTimeout(this.timer);
    this.connect("reconnecting");
  }

  private connect(state: SocketState): void {
    this.options.onState(state, "");
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const url = `${scheme}://${location.host}/api/ws?access_token=${encodeURIComponent(this.options.token())}`;
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch {
      this.schedule("cannot open the socket");
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.delay = FIRST_DELAY_MS;
      this.nextAttemptAt = 0;
      this.options.onState("open", "");
      this.options.onOpen();
    };
    ws.onmessage = (e) => {
      if (typeof e.data !== "string") return;
      try {
        this.options.onMessage(JSON.parse(e.data) as SocketMessage);
      } catch {
        // A message this version does not understand is skipped, not fatal.
      }
    };
    ws.onclose = (e) => {
      this.ws = null;
      if (this.stopped) return;
      // 1008 for an expired or refused token: retrying would not help.
      if (e.code === 1008 && /token/i.test(e.reason)) {
        this.options.onAuthLost(e.reason);
        return;
      }
      this.schedule(e.reason || `closed (${e.code})`);
    };
  }

  private schedule(reason: string): void {
    const wait = this.delay * (0.75 + Math.random() * 0.5);
    this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
    this.nextAttemptAt = Date.now() + wait;
    this.options.onState("reconnecting", reason);
    this.timer = window.setTimeout(() => this.connect("reconnecting"), wait);
  }
}
