// The application shell: top bar (navigation, live link and fleet state, user),
// hash routes, and keyboard shortcuts.
import { can, currentSession, endSession, loadConfig, onLogout } from "./api";
import { h, replace } from "./dom";
import { alertsPage } from "./pages/alerts_page";
import { analysesPage } from "./pages/analyses_page";
import { cameraFormPage } from "./pages/camera_form_page";
import { camerasPage } from "./pages/cameras_page";
import { livePage } from "./pages/live_page";
import { loginPage } from "./pages/login_page";
import { mapPage } from "./pages/map_page";
import type { Page } from "./pages/page";
import { store } from "./store";
import type { UiConfig } from "./types";

const SHORTCUTS: [string, string][] = [
  ["1 / 2 / 3 / 4", "Map / Alert history / Cameras / Analyses"],
  ["J / K", "Next / previous alert"],
  ["Enter", "Open the alert under the cursor"],
  ["C / R / X", "Confirm / reject / resolve the open alert (operators)"],
  ["Esc", "Close the panel or dialog"],
  ["/", "Focus the filter"],
  ["F / B", "Live view: fullscreen / boxes"],
  ["?", "This help"],
];

let config: UiConfig = {};
let page: Page | null = null;
let started = false;

const app = document.getElementById("app") as HTMLElement;
const main = h("main", { id: "main", tabindex: -1 });
const navLinks = {
  map: h("a", { href: "#/map", "data-nav": "map" }, "Map", h("span", { class: "nav-count", hidden: true })),
  alerts: h("a", { href: "#/alerts", "data-nav": "alerts" }, "Alert history"),
  cameras: h("a", { href: "#/cameras", "data-nav": "cameras" }, "Cameras"),
  analyses: h("a", { href: "#/analyses", "data-nav": "analyses" }, "Analyses"),
};
const linkState = h("button", { class: "link-state", type: "button", title: "Live connection to the event manager" });
const fleet = h("span", { class: "fleet", title: "Enabled cameras streaming" });
const clock = h("span", { class: "clock mono" });
const userBox = h("span", { class: "user" });
const topbar = h(
  "header",
  { class: "topbar" },
  h("a", { class: "brand", href: "#/map" }, h("span", { class: "brand-mark" }), "VIGIE"),
  h("nav", { class: "nav", "aria-label": "Main" }, Object.values(navLinks)),
  h("div", { class: "spacer" }),
  fleet,
  linkState,
  clock,
  userBox,
  h("button", { class: "btn btn-small btn-ghost", type: "button", title: "Keyboard shortcuts (?)", onclick: () => toggleHelp() }, "?"),
  h("button", { class: "btn btn-small btn-ghost", type: "button", "data-action": "logout", onclick: () => endSession("") }, "Sign out"),
);

function drawLinkState(): void {
  const s = store.socketState;
  linkState.className = `link-state link-${s}`;
  const wait = store.secondsToRetry();
  linkState.replaceChildren(
    h("span", { class: "dot" }),
    s === "open" ? "Live" : s === "reconnecting" ? (wait > 0 ? `Reconnecting in ${wait} s` : "Reconnecting…") : s === "connecting" ? "Connecting…" : "Offline",
  );
  linkState.title = s === "reconnecting" ? `Live connection lost${store.socketDetail ? ` (${store.socketDetail})` : ""}; click to retry now` : "Live connection to the event manager";
}

function drawFleet(): void {
  const hh = store.health;
  if (!hh) {
    fleet.replaceChildren();
    return;
  }
  fleet.className = `fleet fleet-${hh.status}`;
  fleet.replaceChildren(h("span", { class: "dot" }), `${hh.active_streams}/${hh.total_cameras} streams`);
}

function drawPendingCount(): void {
  const n = [...store.openAlerts.values()].filter((a) => a.state === "pending").length;
  const badge = navLinks.map.querySelector(".nav-count") as HTMLElement;
  badge.hidden = n === 0;
  badge.textContent = String(n);
  document.title = n ? `(${n}) Vigie` : "Vigie";
}

function drawUser(): void {
  const s = currentSession();
  replace(userBox, s ? [h("span", { class: "user-name" }, s.user.name), h("span", { class: `role role-${s.user.role}` }, s.user.role)] : []);
}

function tick(): void {
  const d = new Date();
  clock.textContent = d.toTimeString().slice(0, 8);
  if (store.socketState === "reconnecting") drawLinkState();
}

function mount(next: Page): void {
  page?.destroy?.();
  page = next;
  replace(main, next.element);
}

function route(): void {
  const session = currentSession();
  if (!session) {
    showLogin("");
    return;
  }
  if (!started) startShell();
  const raw = location.hash.replace(/^#/, "") || "/map";
  const [path, qs] = raw.split("?", 2);
  const params = new URLSearchParams(qs ?? "");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  let next: Page;
  if (parts[0] === "alerts") next = alertsPage(params);
  else if (parts[0] === "cameras" && parts[1] === "new" && can("admin")) next = cameraFormPage(config, null);
  else if (parts[0] === "cameras" && parts[1] && parts[2] === "edit" && can("admin")) next = cameraFormPage(config, parts[1]);
  else if (parts[0] === "cameras") next = camerasPage();
  else if (parts[0] === "live" && parts[1]) next = livePage(parts[1]);
  else if (parts[0] === "analyses") next = analysesPage();
  else next = mapPage(config, params);
  for (const [k, a] of Object.entries(navLinks)) a.classList.toggle("active", k === (parts[0] === "live" ? "cameras" : parts[0] ?? "map") || (k === "map" && !parts[0]));
  document.body.dataset.page = parts[0] ?? "map";
  mount(next);
}

function showLogin(message: string): void {
  if (started) {
    store.stop();
    started = false;
  }
  topbar.remove();
  document.body.dataset.page = "login";
  mount(loginPage(message, () => route()));
}

function startShell(): void {
  started = true;
  app.prepend(topbar);
  drawUser();
  document.body.dataset.role = currentSession()?.user.role ?? "";
  store.start();
}

let help: HTMLElement | null = null;
function toggleHelp(): void {
  if (help) {
    help.remove();
    help = null;
    return;
  }
  help = h(
    "div",
    { class: "backdrop", onclick: () => toggleHelp() },
    h(
      "div",
      { class: "dialog help", role: "dialog", "aria-label": "Keyboard shortcuts" },
      h("h2", {}, "Keyboard shortcuts"),
      h("dl", { class: "shortcuts" }, SHORTCUTS.map(([k, d]) => [h("dt", {}, h("kbd", {}, k)), h("dd", {}, d)])),
    ),
  );
  document.body.appendChild(help);
}

document.addEventListener("keydown", (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const t = e.target as HTMLElement | null;
  const typing = !!t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  if (typing && e.key !== "Escape") return;
  if (!help && document.querySelector(".backdrop")) return;  // a dialog has the keys
  if (help && (e.key === "Escape" || e.key === "?")) {
    toggleHelp();
    e.preventDefault();
    return;
  }
  if (typing && e.key === "Escape") (t as HTMLElement).blur();
  if (page?.onKey?.(e)) {
    e.preventDefault();
    return;
  }
  if (!currentSession() || typing) return;
  const go: Record<string, string> = { "1": "#/map", "2": "#/alerts", "3": "#/cameras", "4": "#/analyses" };
  if (go[e.key]) {
    location.hash = go[e.key];
    e.preventDefault();
  } else if (e.key === "?") {
    toggleHelp();
    e.preventDefault();
  }
});

linkState.addEventListener("click", () => store.retrySocket());
store.subscribe((e) => {
  if (e.kind === "socket") drawLinkState();
  if (e.kind === "health") drawFleet();
  if (e.kind === "alerts" || e.kind === "alert") drawPendingCount();
});
onLogout((reason) => {
  history.replaceState(null, "", location.pathname + location.search + (location.hash.startsWith("#/login") ? "" : location.hash));
  showLogin(reason);
});
window.addEventListener("hashchange", route);
setInterval(tick, 1000);

app.appendChild(main);
tick();
void loadConfig().then((c) => {
  config = c;
  route();
});
