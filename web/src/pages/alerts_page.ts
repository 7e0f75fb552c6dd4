// Alert history: every alert, newest first, filtered by type, state, camera and
// time range, a page at a time; a row opens the detail panel and links to the map.
import { createAlertPanel } from "../alert_panel";
import { api, ApiError, type AlertFilters } from "../api";
import { h, replace } from "../dom";
import { fullTime, metres, percent, STATE_LABEL, stateBadge, TYPE_LABEL, typeBadge } from "../format";
import { store } from "../store";
import type { Alert, AlertState, AlertType } from "../types";
import type { Page } from "./page";

const PAGE_SIZE = 50;

// datetime-local (local time, no zone) <-> RFC 3339 UTC.
function toIso(local: string): string {
  if (!local) return "";
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? "" : d.toISOString();
}
function toLocal(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const off = d.getTimezoneOffset() * 60_000;
  return new Date(d.getTime() - off).toISOString().slice(0, 16);
}

export function alertsPage(params: URLSearchParams): Page {
  const typeSel = h(
    "select",
    { class: "input", name: "type", "aria-label": "Type" },
    h("option", { value: "" }, "All types"),
    (Object.keys(TYPE_LABEL) as AlertType[]).map((t) => h("option", { value: t }, TYPE_LABEL[t])),
  );
  const stateSel = h(
    "select",
    { class: "input", name: "state", "aria-label": "State" },
    h("option", { value: "" }, "All states"),
    (Object.keys(STATE_LABEL) as AlertState[]).map((s) => h("option", { value: s }, STATE_LABEL[s])),
  );
  const cameraSel = h("select", { class: "input", name: "camera", "aria-label": "Camera" }, h("option", { value: "" }, "All cameras"));
  const fromIn = h("input", { class: "input", type: "datetime-local", name: "from", "aria-label": "From" });
  const toIn = h("input", { class: "input", type: "datetime-local", name: "to", "aria-label": "To" });
  typeSel.value = params.get("type") ?? "";
  stateSel.value = params.get("state") ?? "";
  fromIn.value = toLocal(params.get("from"));
  toIn.value = toLocal(params.get("to"));

  const fillCameras = () => {
    const want = cameraSel.value || params.get("camera") || "";
    const cams = [...store.cameras.values()].sort((a, b) => a.name.localeCompare(b.name));
    replace(cameraSel, h("option", { value: "" }, "All cameras"), cams.map((c) => h("option", { value: c.id }, `${c.name} (${c.id})`)));
    if (want && !store.cameras.has(want)) cameraSel.appendChild(h("option", { value: want }, want));
    cameraSel.value = want;
  };
  fillCameras();

  const filters = h(
    "form",
    { class: "filters", role: "search" },
    field("Type", typeSel),
    field("State", stateSel),
    field("Camera", cameraSel),
    field("From", fromIn),
    field("To", toIn),
    h("div", { class: "filter-buttons" }, h("button", { class: "btn btn-primary", type: "submit" }, "Apply"), h("button", { class: "btn", type: "reset" }, "Reset")),
  );
  const tbody = h("tbody");
  const summary = h("span", { class: "muted" });
  const prevBtn = h("button", { class: "btn", type: "button", disabled: true }, "← Newer");
  const nextBtn = h("button", { class: "btn", type: "button", disabled: true }, "Older →");
  const table = h(
    "table",
    { class: "table alerts-table" },
    h(
      "thead",
      {},
      h("tr", {}, ["First seen", "Type", "State", "Camera", "Analysis", "Seen", "Score", "Positives", "Perimeter", ""].map((t) => h("th", {}, t))),
    ),
    tbody,
  );
  const panel = createAlertPanel({
    onClose: () => {
      panel.close();
      markSelected(null);
    },
    showOnMap: (a) => (location.hash = `#/map?alert=${encodeURIComponent(a.id)}`),
  });
  const root = h(
    "div",
    { class: "page table-page" },
    h(
      "div",
      { class: "page-main" },
      h("div", { class: "page-head" }, h("h1", {}, "Alert history"), summary),
      filters,
      h("div", { class: "table-wrap" }, table),
      h("div", { class: "pager" }, prevBtn, nextBtn),
    ),
    panel.element,
  );

  // cursors[i] fetched page i; the first page has none.
  let cursors: (string | undefined)[] = [undefined];
  let pageIndex = 0;
  let nextCursor: string | null = null;
  let rows: Alert[] = [];
  let selectedRow = -1;
  let seq = 0;

  const current = (): AlertFilters => ({
    type: typeSel.value || undefined,
    state: stateSel.value || undefined,
    camera: cameraSel.value || undefined,
    from: toIso(fromIn.value) || undefined,
    to: toIso(toIn.value) || undefined,
    limit: PAGE_SIZE,
  });

  const load = async () => {
    const mySeq = ++seq;
    replace(tbody, h("tr", {}, h("td", { colspan: 10, class: "empty" }, "Loading…")));
    try {
      const page = await api.alerts({ ...current(), cursor: cursors[pageIndex] });
      if (mySeq !== seq) return;
      rows = page.alerts;
      nextCursor = page.next_cursor;
      const first = pageIndex * PAGE_SIZE + 1;
      summary.textContent = page.total
        ? `${first}–${first + rows.length - 1} of ${page.total} alert${page.total === 1 ? "" : "s"}`
        : "No alert matches these filters";
      prevBtn.disabled = pageIndex === 0;
      nextBtn.disabled = !nextCursor;
      drawRows();
    } catch (e) {
      if (mySeq !== seq) return;
      replace(tbody, h("tr", {}, h("td", { colspan: 10, class: "empty error-text" }, e instanceof ApiError ? e.message : String(e))));
    }
  };

  const drawRows = () => {
    if (!rows.length) {
      replace(tbody, h("tr", {}, h("td", { colspan: 10, class: "empty" }, "No alert matches these filters.")));
      return;
    }
    replace(
      tbody,
      rows.map((a, i) =>
        h(
          "tr",
          {
            class: `row-link${panel.shownId() === a.id ? " selected" : ""}${i === selectedRow ? " cursor" : ""}`,
            "data-alert-id": a.id,
            tabindex: 0,
            onclick: () => open(i),
            onkeydown: (e: Event) => {
              if ((e as KeyboardEvent).key === "Enter") open(i);
            },
          },
          h("td", { class: "mono" }, fullTime(a.first_seen)),
          h("td", {}, typeBadge(a.type)),
          h("td", {}, stateBadge(a.state)),
          h("td", {}, a.camera_name || a.camera_id),
          h("td", {}, a.analysis),
          h("td", {}, a.label || "—"),
          h("td", { class: "num" }, percent(a.max_score)),
          h("td", { class: "num" }, String(a.positives ?? "—")),
          h("td", { class: "num" }, metres(a.perimeter_m)),
          h(
            "td",
            {},
            h(
              "a",
              { class: "link", href: `#/map?alert=${encodeURIComponent(a.id)}`, onclick: (e: Event) => e.stopPropagation() },
              "Map",
            ),
          ),
        ),
      ),
    );
  };

  const open = (i: number) => {
    selectedRow = i;
    panel.show(rows[i].id, rows[i]);
    markSelected(rows[i].id);
  };
  const markSelected = (id: string | null) => {
    for (const tr of tbody.querySelectorAll("tr[data-alert-id]")) tr.classList.toggle("selected", tr.getAttribute("data-alert-id") === id);
  };

  const applyToUrl = () => {
    const f = current();
    const q = new URLSearchParams();
    for (const k of ["type", "state", "camera", "from", "to"] as const) if (f[k]) q.set(k, f[k] as string);
    const s = q.toString();
    history.replaceState(null, "", `#/alerts${s ? `?${s}` : ""}`);
  };

  filters.addEventListener("submit", (e) => {
    e.preventDefault();
    cursors = [undefined];
    pageIndex = 0;
    applyToUrl();
    void load();
  });
  filters.addEventListener("reset", () => {
    setTimeout(() => {
      cameraSel.value = "";
      filters.requestSubmit();
    });
  });
  prevBtn.addEventListener("click", () => {
    if (pageIndex === 0) return;
    pageIndex--;
    void load();
  });
  nextBtn.addEventListener("click", () => {
    if (!nextCursor) return;
    cursors[pageIndex + 1] = nextCursor;
    pageIndex++;
    void load();
  });

  const unsubscribe = store.subscribe((e) => {
    if (e.kind === "cameras") fillCameras();
    if (e.kind === "alert") {
      panel.update(e.alert);
      const i = rows.findIndex((r) => r.id === e.alert.id);
      if (i >= 0) {
        rows[i] = e.alert;
        drawRows();
      }
    }
  });
  void load();

  return {
    element: root,
    title: "Alert history",
    onKey(e) {
      if (panel.handleKey(e)) return true;
      if (e.key === "Escape" && panel.shownId()) {
        panel.close();
        markSelected(null);
        return true;
      }
      if ((e.key === "j" || e.key === "k") && rows.length) {
        selectedRow = Math.max(0, Math.min(rows.length - 1, selectedRow + (e.key === "j" ? 1 : -1)));
        if (panel.shownId()) open(selectedRow);
        else drawRows();
        (tbody.children[selectedRow] as HTMLElement | undefined)?.scrollIntoView({ block: "nearest" });
        return true;
      }
      if (e.key === "Enter" && selectedRow >= 0 && rows[selectedRow]) {
        open(selectedRow);
        return true;
      }
      if (e.key === "/") {
        typeSel.focus();
        return true;
      }
      if (e.key === "ArrowRight" && !nextBtn.disabled) nextBtn.click();
      if (e.key === "ArrowLeft" && !prevBtn.disabled) prevBtn.click();
      return false;
    },
    destroy: unsubscribe,
  };
}

function field(label: string, input: HTMLElement): HTMLElement {
  return h("label", { class: "field" }, h("span", {}, label), input);
}
