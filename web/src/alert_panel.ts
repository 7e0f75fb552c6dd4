// The detail side panel of one alert: where, when, what was seen, the evidence,
// the actions to take, the decisions so far, and for operators the buttons that
// decide it (C confirm, R reject, X resolve).
import { api, ApiError, can } from "./api";
import { h, replace, toast } from "./dom";
import { ago, coordinates, fullTime, metres, percent, stateBadge, TYPE_LABEL, typeBadge } from "./format";
import { store } from "./store";
import type { Alert, AlertState } from "./types";

type Verdict = Exclude<AlertState, "pending">;

const TRANSITIONS: Record<AlertState, Verdict[]> = {
  pending: ["confirmed", "rejected", "resolved"],
  confirmed: ["resolved"],
  rejected: [],
  resolved: [],
};

const VERDICT: Record<Verdict, { label: string; key: string; css: string }> = {
  confirmed: { label: "Confirm", key: "C", css: "btn-confirm" },
  rejected: { label: "Reject", key: "R", css: "btn-reject" },
  resolved: { label: "Resolve", key: "X", css: "btn-resolve" },
};

export interface AlertPanel {
  element: HTMLElement;
  show(id: string, known?: Alert): void;
  // The alert changed (socket or decision elsewhere): redraw if it is the one shown.
  update(alert: Alert): void;
  close(): void;
  shownId(): string | null;
  // Keys C, R, X while the panel shows an alert the user may decide; true when used.
  handleKey(e: KeyboardEvent): boolean;
}

export function createAlertPanel(opts: { onClose: () => void; showOnMap?: (a: Alert) => void }): AlertPanel {
  const element = h("aside", { class: "panel alert-panel", "aria-label": "Alert detail", hidden: true });
  let current: Alert | null = null;
  let busy = false;
  let loadSeq = 0;
  // The note being typed, kept across redraws (a pushed update, a failed decision).
  let draft = "";

  const decide = async (verdict: Verdict) => {
    if (!current || busy || !can("operator")) return;
    if (!TRANSITIONS[current.state].includes(verdict)) return;
    const note = draft.trim();
    busy = true;
    render();
    try {
      const updated = await api.decide(current.id, verdict, note || undefined);
      draft = "";
      toast(`Alert ${verdict}: ${updated.camera_name}`, "success");
      store.applyAlert(updated);
      busy = false;
      await load(updated.id, updated);
    } catch (e) {
      busy = false;
      toast(e instanceof ApiError ? e.message : String(e), "error");
      if (e instanceof ApiError && e.status === 409 && current) await load(current.id);
      else render();
    }
  };

  const load = async (id: string, known?: Alert) => {
    const seq = ++loadSeq;
    if (known) {
      current = known;
      render();
    }
    try {
      const full = await api.alert(id);
      if (seq !== loadSeq) return;
      current = full;
      render();
    } catch (e) {
      if (seq !== loadSeq) return;
      if (!known) {
        current = null;
        replace(element, header("Alert"), h("p", { class: "muted pad" }, e instanceof ApiError ? e.message : String(e)));
      }
    }
  };

  const header = (title: string | Node) =>
    h(
      "header",
      { class: "panel-head" },
      h("h2", {}, title),
      h("button", { class: "icon-btn", type: "button", title: "Close (Esc)", "aria-label": "Close", onclick: () => opts.onClose() }, "✕"),
    );

  const render = () => {
    const a = current;
    if (!a) return;
    const verdicts = can("operator") ? TRANSITIONS[a.state] : [];
    const decisions = a.decisions ?? [];
    replace(
      element,
      header(h("span", { class: "panel-title" }, typeBadge(a.type), " ", a.camera_name || a.camera_id)),
      h(
        "div",
        { class: "panel-body", "data-alert-id": a.id, "data-alert-state": a.state },
        h("div", { class: "row-between" }, stateBadge(a.state), h("span", { class: "muted" }, ago(a.first_seen))),
        a.evidence_url
          ? h(
              "a",
              { class: "evidence", href: a.evidence_url, target: "_blank", rel: "noopener" },
              h("img", { src: a.evidence_url, alt: `Evidence from ${a.camera_name}`, loading: "lazy" }),
            )
          : h("div", { class: "evidence evidence-none" }, "No evidence image"),
        h(
          "dl",
          { class: "facts" },
          fact("Camera", `${a.camera_name} (${a.camera_id})`),
          fact("Analysis", `${a.analysis} · ${TYPE_LABEL[a.type]}`),
          fact("Seen", `${a.label || "—"} · best ${percent(a.max_score)} · ${a.positives ?? 0} positive${a.positives === 1 ? "" : "s"}`),
          fact("First seen", fullTime(a.first_seen)),
          fact("Last seen", fullTime(a.last_seen)),
          fact("Position", coordinates(a.latitude, a.longitude)),
          fact("Perimeter", metres(a.perimeter_m)),
        ),
        h("h3", {}, "Actions to take"),
        a.actions && a.actions.length
          ? h("ol", { class: "actions" }, a.actions.map((x) => h("li", {}, x)))
          : h("p", { class: "muted" }, "None listed for this analysis."),
        verdicts.length
          ? h(
              "div",
              { class: "decide" },
              h(
                "textarea",
                {
                  class: "note input",
                  rows: 2,
                  maxlength: 2000,
                  placeholder: "Note (optional)",
                  "aria-label": "Decision note",
                  oninput: (e: Event) => (draft = (e.target as HTMLTextAreaElement).value),
                },
                draft,
              ),
              h(
                "div",
                { class: "decide-buttons" },
                verdicts.map((v) =>
                  h(
                    "button",
                    {
                      class: `btn ${VERDICT[v].css}`,
                      type: "button",
                      "data-decision": v,
                      disabled: busy,
                      title: `${VERDICT[v].label} (${VERDICT[v].key})`,
                      onclick: () => void decide(v),
                    },
                    VERDICT[v].label,
                    h("kbd", {}, VERDICT[v].key),
                  ),
                ),
              ),
            )
          : null,
        decisions.length
          ? [
              h("h3", {}, "Decisions"),
              h(
                "ul",
                { class: "decisions" },
                decisions.map((d) =>
                  h(
                    "li",
                    {},
                    stateBadge(d.state),
                    h("span", {}, ` by ${d.decided_by.replace(/^user:/, "")} · ${fullTime(d.decided_at)}`),
                    d.note ? h("div", { class: "note-text" }, d.note) : null,
                  ),
                ),
              ),
            ]
          : null,
        h(
          "div",
          { class: "panel-links" },
          opts.showOnMap ? h("button", { class: "btn btn-small", type: "button", onclick: () => opts.showOnMap?.(a) }, "Show on map") : null,
          h("a", { class: "btn btn-small", href: `#/live/${encodeURIComponent(a.camera_id)}` }, "Live view"),
          h("a", { class: "btn btn-small", href: `#/alerts?camera=${encodeURIComponent(a.camera_id)}` }, "Camera history"),
        ),
      ),
    );
  };

  return {
    element,
    show(id, known) {
      element.hidden = false;
      store.markSeen(id);
      if (current?.id !== id) {
        current = null;
        draft = "";
      }
      void load(id, known);
    },
    update(alert) {
      if (!current || current.id !== alert.id) return;
      if (current.revision !== undefined && alert.revision !== undefined && alert.revision < current.revision) return;
      current = { ...alert, decisions: current.decisions };
      render();
      void load(alert.id, current);
    },
    close() {
      element.hidden = true;
      current = null;
      loadSeq++;
    },
    shownId: () => (element.hidden ? null : current?.id ?? null),
    handleKey(e) {
      if (!current || element.hidden) return false;
      const verdict = (Object.keys(VERDICT) as Verdict[]).find((v) => VERDICT[v].key.toLowerCase() === e.key.toLowerCase());
      if (!verdict || !can("operator") || !TRANSITIONS[current.state].includes(verdict)) return false;
      void decide(verdict);
      return true;
    },
  };
}

function fact(term: string, value: string): HTMLElement[] {
  return [h("dt", {}, term), h("dd", {}, value)];
}
