// The cameras with their live stream status. Operators enable and disable them;
// admins add, edit and delete them. A change touches only the camera changed:
// the event manager republishes that one camera and ingest follows it alone.
import { api, ApiError, can } from "../api";
import { confirmDialog, h, replace, toast } from "../dom";
import { ago, coordinates, streamBadge, streamState } from "../format";
import { store } from "../store";
import type { Camera, StreamState } from "../types";
import type { Page } from "./page";

const ORDER: StreamState[] = ["stream_lost", "reconnecting", "connecting", "unknown", "connected", "disabled"];

export function camerasPage(): Page {
  const tbody = h("tbody");
  const search = h("input", { class: "input search", type: "search", placeholder: "Filter by name or id  ( / )", "aria-label": "Filter cameras" });
  const counts = h("div", { class: "counts" });
  const root = h(
    "div",
    { class: "page table-page" },
    h(
      "div",
      { class: "page-main" },
      h(
        "div",
        { class: "page-head" },
        h("h1", {}, "Cameras"),
        counts,
        h("div", { class: "spacer" }),
        search,
        can("admin") ? h("a", { class: "btn btn-primary", href: "#/cameras/new", "data-action": "add-camera" }, "+ Add camera") : null,
      ),
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "table cameras-table" },
          h(
            "thead",
            {},
            h("tr", {}, ["Status", "Name", "Stream", "Position", "Analyses", "Frame rate", "Last frame", "Reconnects", ""].map((t) => h("th", {}, t))),
          ),
          tbody,
        ),
      ),
    ),
  );

  const draw = () => {
    const q = search.value.trim().toLowerCase();
    const cams = [...store.cameras.values()]
      .filter((c) => !q || c.name.toLowerCase().includes(q) || c.id.toLowerCase().includes(q))
      .sort((a, b) => a.name.localeCompare(b.name));
    const tally = new Map<StreamState, number>();
    for (const c of store.cameras.values()) tally.set(streamState(c), (tally.get(streamState(c)) ?? 0) + 1);
    replace(
      counts,
      ORDER.filter((s) => tally.get(s)).map((s) =>
        h("span", { class: `count-chip stream-${s}` }, h("span", { class: "dot" }), `${tally.get(s)}`),
      ),
    );
    if (store.loadError && !store.cameras.size) {
      replace(tbody, h("tr", {}, h("td", { colspan: 9, class: "empty error-text" }, store.loadError)));
      return;
    }
    if (!cams.length) {
      replace(
        tbody,
        h("tr", {}, h("td", { colspan: 9, class: "empty" }, store.cameras.size ? "No camera matches the filter." : "No camera yet.")),
      );
      return;
    }
    replace(tbody, cams.map(row));
  };

  const row = (c: Camera) =>
    h(
      "tr",
      { "data-camera-id": c.id, class: c.enabled ? "" : "disabled-row" },
      h("td", {}, streamBadge(c)),
      h("td", {}, h("div", { class: "strong" }, c.name), h("div", { class: "muted mono small" }, c.id)),
      h(
        "td",
        {},
        h(
          "div",
          { class: "stream-cell" },
          h("span", { class: "kind" }, c.analysis_stream.kind.toUpperCase()),
          h("span", { class: "mono small url", title: c.analysis_stream.url }, c.analysis_stream.url),
          c.has_credentials ? h("span", { class: "cred", title: "Credentials stored (encrypted)" }, "AUTH") : null,
          c.recording_stream ? h("span", { class: "cred", title: `Recording stream: ${c.recording_stream.url}` }, "REC") : null,
        ),
      ),
      h("td", { class: "mono small nowrap" }, coordinates(c.latitude, c.longitude)),
      h("td", {}, (c.analyses ?? []).length ? (c.analyses ?? []).map((a) => h("span", { class: "tag" }, a)) : h("span", { class: "muted" }, "—")),
      h("td", { class: "num" }, c.status?.fps ? `${c.status.fps.toFixed(1)} fps` : "—"),
      h("td", { class: "small" }, ago(c.status?.last_frame_time)),
      h("td", { class: "num" }, String(c.status?.reconnects ?? 0)),
      h(
        "td",
        {},
        h(
          "div",
          { class: "row-actions" },
          h("a", { class: "btn btn-small", href: `#/live/${encodeURIComponent(c.id)}`, title: "Live view" }, "Live"),
        can("operator")
          ? h(
              "button",
              {
                class: `btn btn-small ${c.enabled ? "" : "btn-primary"}`,
                type: "button",
                "data-action": c.enabled ? "disable" : "enable",
                onclick: () => void toggle(c),
              },
              c.enabled ? "Disable" : "Enable",
            )
          : null,
        can("admin") ? h("a", { class: "btn btn-small", href: `#/cameras/${encodeURIComponent(c.id)}/edit`, "data-action": "edit" }, "Edit") : null,
          can("admin")
            ? h("button", { class: "btn btn-small btn-danger-ghost", type: "button", "data-action": "delete", onclick: () => void remove(c) }, "Delete")
            : null,
        ),
      ),
    );

  const toggle = async (c: Camera) => {
    try {
      const updated = await api.setCameraEnabled(c.id, !c.enabled);
      store.applyCamera(updated);
      toast(`${updated.name} ${updated.enabled ? "enabled" : "disabled"}`, "success");
    } catch (e) {
      toast(e instanceof ApiError ? e.message : String(e), "error");
    }
  };

  const remove = async (c: Camera) => {
    const ok = await confirmDialog({
      title: `Delete camera ${c.name}?`,
      body: "Its stream stops being read and it leaves the map. Its past alerts stay in the history. Other cameras are not interrupted.",
      confirm: "Delete camera",
      danger: true,
      requireText: c.id,
    });
    if (!ok) return;
    try {
      await api.deleteCamera(c.id);
      store.removeCamera(c.id);
      toast(`${c.name} deleted`, "success");
    } catch (e) {
      toast(e instanceof ApiError ? e.message : String(e), "error");
    }
  };

  search.addEventListener("input", draw);
  const unsubscribe = store.subscribe((e) => {
    if (e.kind === "cameras" || e.kind === "camera") draw();
  });
  draw();
  // Ages ("12 s ago") move on without events.
  // Not while a row's button has the focus: redrawing would take it away.
  const timer = window.setInterval(() => {
    if (!tbody.contains(document.activeElement)) draw();
  }, 5000);

  return {
    element: root,
    title: "Cameras",
    onKey(e) {
      if (e.key === "/") {
        search.focus();
        return true;
      }
      if (e.key === "n" && can("admin")) {
        location.hash = "#/cameras/new";
        return true;
      }
      return false;
    },
    destroy() {
      unsubscribe();
      window.clearInterval(timer);
    },
  };
}
