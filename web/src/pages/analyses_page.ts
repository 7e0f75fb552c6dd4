// The analyses: what counts as a positive, when positives become an alert, who
// responds, the danger perimeter and the actions. Everyone reads them; admins
// add, edit and delete them (a change reaches every camera running it live).
import { api, ApiError, can } from "../api";
import { confirmDialog, h, replace, toast } from "../dom";
import { metres, TYPE_LABEL, typeBadge } from "../format";
import type { Analysis, AlertType } from "../types";
import type { Page } from "./page";

export function analysesPage(): Page {
  const tbody = h("tbody");
  const editor = h("aside", { class: "panel analysis-editor", hidden: true, "aria-label": "Analysis" });
  const root = h(
    "div",
    { class: "page table-page" },
    h(
      "div",
      { class: "page-main" },
      h(
        "div",
        { class: "page-head" },
        h("h1", {}, "Analyses"),
        h("span", { class: "muted" }, "What the detectors look for, and what an alert asks for"),
        h("div", { class: "spacer" }),
        can("admin") ? h("button", { class: "btn btn-primary", type: "button", "data-action": "add-analysis", onclick: () => edit(null) }, "+ Add analysis") : null,
      ),
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "table analyses-table" },
          h(
            "thead",
            {},
            h("tr", {}, ["Name", "Responds", "Detector", "Labels", "Min score", "Rule", "Perimeter", "Cameras", "Actions", ""].map((t) => h("th", {}, t))),
          ),
          tbody,
        ),
      ),
    ),
    editor,
  );
  let analyses: Analysis[] = [];

  const load = async () => {
    try {
      analyses = await api.analyses();
      draw();
    } catch (e) {
      replace(tbody, h("tr", {}, h("td", { colspan: 10, class: "empty error-text" }, e instanceof ApiError ? e.message : String(e))));
    }
  };

  const draw = () => {
    if (!analyses.length) {
      replace(tbody, h("tr", {}, h("td", { colspan: 10, class: "empty" }, "No analysis yet.")));
      return;
    }
    replace(
      tbody,
      analyses.map((a) =>
        h(
          "tr",
          { "data-analysis": a.name },
          h("td", { class: "strong mono" }, a.name),
          h("td", {}, typeBadge(a.type)),
          h("td", { class: "mono small" }, a.detector),
          h("td", {}, a.labels.map((l) => h("span", { class: "tag" }, l))),
          h("td", { class: "num" }, a.min_score.toFixed(2)),
          h("td", { class: "small" }, `${a.positives_needed} in ${(a.window_ms / 1000).toFixed(1)} s at ${a.fps} fps`),
          h("td", { class: "num" }, metres(a.perimeter_m)),
          h("td", { class: "num" }, String(a.cameras?.length ?? 0)),
          h("td", { class: "small" }, (a.actions ?? []).join(" · ") || "—"),
          h(
            "td",
            {},
            can("admin")
              ? h(
                  "div",
                  { class: "row-actions" },
                  h("button", { class: "btn btn-small", type: "button", onclick: () => edit(a) }, "Edit"),
                  h("button", { class: "btn btn-small btn-danger-ghost", type: "button", onclick: () => void remove(a) }, "Delete"),
                )
              : null,
          ),
        ),
      ),
    );
  };

  const remove = async (a: Analysis) => {
    const ok = await confirmDialog({
      title: `Delete analysis ${a.name}?`,
      body: a.cameras?.length
        ? `${a.cameras.length} camera(s) still run it: take it off them first.`
        : "No camera runs it. Its past alerts stay in the history.",
      confirm: "Delete analysis",
      danger: true,
    });
    if (!ok) return;
    try {
      await api.deleteAnalysis(a.name);
      toast(`${a.name} deleted`, "success");
      await load();
    } catch (e) {
      toast(e instanceof ApiError ? e.message : String(e), "error");
    }
  };

  const edit = (a: Analysis | null) => {
    const field = (label: string, name: string, control: HTMLElement, help?: string) =>
      h("div", { class: "field" }, h("label", { for: `a-${name}` }, label), control, help ? h("div", { class: "help" }, help) : null);
    const input = (name: string, value: string | number, attrs: Record<string, string | number | boolean> = {}) =>
      h("input", { class: "input", id: `a-${name}`, name, value, ...attrs });
    const type = h(
      "select",
      { class: "input", id: "a-type", name: "type" },
      (Object.keys(TYPE_LABEL) as AlertType[]).map((t) => h("option", { value: t }, TYPE_LABEL[t])),
    );
    type.value = a?.type ?? "police";
    const actions = h("textarea", { class: "input", id: "a-actions", name: "actions", rows: 4 }, (a?.actions ?? []).join("\n"));
    const error = h("div", { class: "form-error", role: "alert" });
    const form = h(
      "form",
      { class: "panel-body" },
      error,
      field("Name", "name", input("name", a?.name ?? "", { required: true, pattern: "[a-z0-9][a-z0-9_-]{0,63}" }), a ? "A new name renames it." : undefined),
      field("Responds", "type", type),
      field("Detector", "detector", input("detector", a?.detector ?? "motion"), '"motion" raises alerts from motion alone'),
      field("Labels", "labels", input("labels", (a?.labels ?? []).join(", ")), "Comma separated"),
      h(
        "div",
        { class: "grid2" },
        field("Min score", "min_score", input("min_score", a?.min_score ?? 0.5, { type: "number", min: 0, max: 1, step: 0.01 })),
        field("Positives needed", "positives_needed", input("positives_needed", a?.positives_needed ?? 3, { type: "number", min: 1, step: 1 })),
        field("Window (ms)", "window_ms", input("window_ms", a?.window_ms ?? 10000, { type: "number", min: 1, step: 100 })),
        field("Frame rate (fps)", "fps", input("fps", a?.fps ?? 2, { type: "number", min: 0.1, max: 60, step: 0.1 })),
      ),
      field("Danger perimeter (m)", "perimeter_m", input("perimeter_m", a?.perimeter_m ?? 100, { type: "number", min: 0, step: 10 })),
      field("Actions to take", "actions", actions, "One per line, in order"),
      h("div", { class: "dialog-buttons" }, h("button", { class: "btn", type: "button", onclick: () => (editor.hidden = true) }, "Cancel"), h("button", { class: "btn btn-primary", type: "submit" }, a ? "Save" : "Add analysis")),
    );
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const value = (n: string) => (form.elements.namedItem(n) as HTMLInputElement).value;
      const body = {
        name: value("name").trim(),
        type: type.value as AlertType,
        detector: value("detector").trim(),
        labels: value("labels").split(",").map((s) => s.trim()).filter(Boolean),
        min_score: Number(value("min_score")),
        positives_needed: Number(value("positives_needed")),
        window_ms: Number(value("window_ms")),
        fps: Number(value("fps")),
        perimeter_m: Number(value("perimeter_m")),
        actions: actions.value.split("\n").map((s) => s.trim()).filter(Boolean),
      };
      try {
        if (a) await api.updateAnalysis(a.name, body);
        else await api.createAnalysis(body);
        toast(`${body.name} saved`, "success");
        editor.hidden = true;
        await load();
      } catch (err) {
        error.textContent = err instanceof ApiError ? (err.field ? `${err.field}: ${err.message}` : err.message) : String(err);
      }
    });
    replace(
      editor,
      h("header", { class: "panel-head" }, h("h2", {}, a ? `Edit ${a.name}` : "Add an analysis"), h("button", { class: "icon-btn", type: "button", "aria-label": "Close", onclick: () => (editor.hidden = true) }, "✕")),
      form,
    );
    editor.hidden = false;
    (form.elements.namedItem("name") as HTMLInputElement).focus();
  };

  void load();
  return {
    element: root,
    title: "Analyses",
    onKey(e) {
      if (e.key === "Escape" && !editor.hidden) {
        editor.hidden = true;
        return true;
      }
      return false;
    },
  };
}
