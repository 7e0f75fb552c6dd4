// The live map: cameras at their positions in their status colour, open alerts
// with their danger perimeter in their type's colour (new ones pulse), the feed
// of open alerts beside it, and the detail panel of the one selected.
import * as L from "leaflet";
import { createAlertPanel } from "../alert_panel";
import { api } from "../api";
import { addBaseLayers } from "../basemap";
import { h, replace } from "../dom";
import {
  ago,
  metres,
  STREAM_COLOUR,
  STREAM_LABEL,
  streamBadge,
  streamState,
  TYPE_COLOURS,
  TYPE_LABEL,
  typeBadge,
  stateBadge,
} from "../format";
import { store, type StoreEvent } from "../store";
import type { Alert, AlertType, Camera, UiConfig } from "../types";
import type { Page } from "./page";

const TYPES: AlertType[] = ["police", "ambulance", "fire_brigade"];
let firstFitDone = false;

export function mapPage(config: UiConfig, params: URLSearchParams): Page {
  const mapEl = h("div", { class: "map", id: "map", role: "application", "aria-label": "Map of cameras and alerts" });
  const feedList = h("ol", { class: "feed-list", "aria-label": "Open alerts" });
  const feedCount = h("span", { class: "count" }, "0");
  const hiddenTypes = new Set<AlertType>();
  const chips = TYPES.map((t) => {
    const chip = h(
      "button",
      { class: `chip chip-${t} on`, type: "button", "aria-pressed": "true", title: `Show or hide ${TYPE_LABEL[t]} alerts` },
      h("span", { class: "swatch" }),
      TYPE_LABEL[t],
    );
    chip.addEventListener("click", () => {
      if (hiddenTypes.has(t)) hiddenTypes.delete(t);
      else hiddenTypes.add(t);
      chip.classList.toggle("on", !hiddenTypes.has(t));
      chip.setAttribute("aria-pressed", String(!hiddenTypes.has(t)));
      drawAlerts();
    });
    return chip;
  });
  const feed = h(
    "aside",
    { class: "panel feed", "aria-label": "Open alerts" },
    h("header", { class: "panel-head" }, h("h2", {}, "Open alerts ", feedCount), h("span", { class: "hint" }, "J / K to move, Enter to open")),
    h("div", { class: "chips" }, chips),
    feedList,
  );
  const panel = createAlertPanel({
    onClose: () => select(null),
    showOnMap: (a) => map.flyTo([a.latitude, a.longitude], Math.max(map.getZoom(), 15), { duration: 0.6 }),
  });
  const legend = h(
    "div",
    { class: "legend" },
    h("div", { class: "legend-title" }, "Cameras"),
    (["connected", "reconnecting", "stream_lost", "disabled"] as const).map((s) =>
      h("div", { class: "legend-row" }, h("span", { class: "dot", style: `background:${STREAM_COLOUR[s]}` }), STREAM_LABEL[s]),
    ),
    h("div", { class: "legend-title" }, "Alerts"),
    TYPES.map((t) => h("div", { class: "legend-row" }, h("span", { class: `ring type-${t}` }), TYPE_LABEL[t])),
  );
  const root = h("div", { class: "page map-page" }, h("div", { class: "map-wrap" }, mapEl, legend), feed, panel.element);

  const map = L.map(mapEl, { zoomControl: true, worldCopyJump: true, minZoom: 2, zoomSnap: 0.5 });
  map.setView(config.map_center ?? [48.8566, 2.3522], config.map_zoom ?? 12);
  addBaseLayers(map, config);
  const cameraLayer = L.layerGroup().addTo(map);
  const perimeterLayer = L.layerGroup().addTo(map);
  const alertLayer = L.layerGroup().addTo(map);
  const cameraMarkers = new Map<string, L.Marker>();
  // The icon's classes are kept so that an unchanged icon is not rebuilt (which
  // would restart its pulse).
  const alertShapes = new Map<string, { marker: L.Marker; circle: L.Circle; classes: string }>();
  let selected: string | null = null;
  let cursor = -1;

  // Camera names only where they do not pile up.
  const labelZoom = () => mapEl.classList.toggle("labels-on", map.getZoom() >= 13.5);
  map.on("zoomend", labelZoom);
  labelZoom();

  const cursorEl = h("div", { class: "cursor-pos" });
  mapEl.appendChild(cursorEl);
  map.on("mousemove", (e: L.LeafletMouseEvent) => (cursorEl.textContent = `${e.latlng.lat.toFixed(5)}, ${e.latlng.lng.toFixed(5)}`));

  function cameraIcon(c: Camera): L.DivIcon {
    const state = streamState(c);
    return L.divIcon({
      className: "",
      html: `<div class="camera-marker stream-${state}" data-camera-id="${escapeAttr(c.id)}" data-stream-state="${state}"></div><span class="cam-label">${escapeAttr(c.name)}</span>`,
      iconSize: [16, 16],
      iconAnchor: [8, 8],
    });
  }

  function cameraPopup(c: Camera): HTMLElement {
    return h(
      "div",
      { class: "popup" },
      h("strong", {}, c.name),
      h("div", { class: "muted" }, c.id),
      h("div", {}, streamBadge(c), c.status?.fps ? ` ${c.status.fps.toFixed(1)} fps` : ""),
      h("div", { class: "muted" }, "Last frame ", ago(c.status?.last_frame_time)),
      h("a", { class: "btn btn-small", href: `#/live/${encodeURIComponent(c.id)}` }, "Live view"),
    );
  }

  function drawCamera(c: Camera) {
    let m = cameraMarkers.get(c.id);
    if (!m) {
      m = L.marker([c.latitude, c.longitude], { icon: cameraIcon(c), keyboard: false, zIndexOffset: -100 });
      m.bindTooltip("", { direction: "top", offset: [0, -8], className: "tip" });
      m.bindPopup(() => cameraPopup(c));
      m.addTo(cameraLayer);
      cameraMarkers.set(c.id, m);
    } else {
      m.setLatLng([c.latitude, c.longitude]);
      m.setIcon(cameraIcon(c));
      m.unbindPopup().bindPopup(() => cameraPopup(c));
    }
    m.setTooltipContent(`${c.name} · ${STREAM_LABEL[streamState(c)]}`);
  }

  function drawCameras() {
    for (const [id, m] of cameraMarkers) {
      if (!store.cameras.has(id)) {
        m.remove();
        cameraMarkers.delete(id);
      }
    }
    for (const c of store.cameras.values()) drawCamera(c);
  }

  function alertClasses(a: Alert): string {
    const classes = ["alert-marker", `type-${a.type}`, `state-${a.state}`];
    if (store.unseen.has(a.id)) classes.push("unseen");
    if (a.id === selected) classes.push("selected");
    return classes.join(" ");
  }

  function alertIcon(a: Alert, classes: string): L.DivIcon {
    return L.divIcon({
      className: "",
      html: `<div class="${classes}" data-alert-id="${escapeAttr(a.id)}"><span class="pulse"></span><span class="core"></span></div>`,
      iconSize: [26, 26],
      iconAnchor: [13, 13],
    });
  }

  function drawAlerts() {
    const visible = store.sortedOpenAlerts().filter((a) => !hiddenTypes.has(a.type));
    const keep = new Set(visible.map((a) => a.id));
    for (const [id, s] of alertShapes) {
      if (!keep.has(id)) {
        s.marker.remove();
        s.circle.remove();
        alertShapes.delete(id);
      }
    }
    for (const a of visible) {
      const colours = TYPE_COLOURS[a.type];
      const style: L.CircleMarkerOptions = {
        color: colours.stroke,
        weight: a.state === "pending" ? 2 : 1.5,
        dashArray: a.state === "pending" ? "6 4" : undefined,
        fillColor: colours.fill,
        fillOpacity: a.type === "ambulance" ? 0.12 : 0.18,
        className: `alert-perimeter type-${a.type}`,
      };
      let s = alertShapes.get(a.id);
      if (!s) {
        const circle = L.circle([a.latitude, a.longitude], { radius: a.perimeter_m, ...style });
        circle.on("click", () => select(a.id));
        circle.addTo(perimeterLayer);
        circle.getElement()?.setAttribute("data-alert-id", a.id);
        const classes = alertClasses(a);
        const marker = L.marker([a.latitude, a.longitude], { icon: alertIcon(a, classes), riseOnHover: true, zIndexOffset: 500 });
        marker.bindTooltip("", { direction: "top", offset: [0, -12], className: "tip" });
        marker.on("click", () => select(a.id));
        marker.addTo(alertLayer);
        s = { marker, circle, classes };
        alertShapes.set(a.id, s);
      } else {
        s.circle.setLatLng([a.latitude, a.longitude]).setRadius(a.perimeter_m).setStyle(style);
        s.marker.setLatLng([a.latitude, a.longitude]);
        const classes = alertClasses(a);
        if (classes !== s.classes) {
          s.marker.setIcon(alertIcon(a, classes));
          s.classes = classes;
        }
      }
      s.marker.setTooltipContent(`${TYPE_LABEL[a.type]} · ${a.camera_name} · ${metres(a.perimeter_m)} perimeter`);
    }
    drawFeed(visible);
  }

  function drawFeed(visible: Alert[]) {
    feedCount.textContent = String(visible.length);
    if (store.loadError) {
      replace(feedList, h("li", { class: "empty error-text" }, store.loadError));
      return;
    }
    if (!visible.length) {
      replace(feedList, h("li", { class: "empty" }, "No open alert. New alerts appear here and on the map as they are raised."));
      return;
    }
    replace(
      feedList,
      visible.map((a, i) =>
        h(
          "li",
          {
            class: `feed-item type-${a.type} state-${a.state}${store.unseen.has(a.id) ? " unseen" : ""}${a.id === selected ? " selected" : ""}${
              i === cursor ? " cursor" : ""
            }`,
            "data-alert-id": a.id,
            tabindex: 0,
            onclick: () => select(a.id),
            onkeydown: (e: Event) => {
              if ((e as KeyboardEvent).key === "Enter") select(a.id);
            },
          },
          h("div", { class: "feed-line" }, typeBadge(a.type), stateBadge(a.state), h("span", { class: "time", title: a.first_seen }, ago(a.first_seen))),
          h("div", { class: "feed-camera" }, a.camera_name || a.camera_id),
          h("div", { class: "feed-meta" }, `${a.analysis} · ${a.label || "—"} · ${metres(a.perimeter_m)}`),
        ),
      ),
    );
  }

  function select(id: string | null, fly = false) {
    selected = id;
    if (id) {
      const a = store.openAlerts.get(id);
      panel.show(id, a);
      feed.hidden = true;
      if (a && fly) map.flyTo([a.latitude, a.longitude], Math.max(map.getZoom(), 15), { duration: 0.6 });
      history.replaceState(null, "", `#/map?alert=${encodeURIComponent(id)}`);
    } else {
      panel.close();
      feed.hidden = false;
      history.replaceState(null, "", "#/map");
    }
    drawAlerts();
  }

  function fitOnce() {
    if (firstFitDone || config.map_center) return;
    const points: L.LatLngExpression[] = [];
    for (const c of store.cameras.values()) points.push([c.latitude, c.longitude]);
    for (const a of store.openAlerts.values()) points.push([a.latitude, a.longitude]);
    if (!points.length) return;
    firstFitDone = true;
    map.fitBounds(L.latLngBounds(points).pad(0.2), { maxZoom: 15, animate: false });
  }

  const unsubscribe = store.subscribe((e: StoreEvent) => {
    if (e.kind === "cameras") {
      drawCameras();
      fitOnce();
    } else if (e.kind === "camera") {
      const c = store.cameras.get(e.id);
      if (c) drawCamera(c);
    } else if (e.kind === "alerts") {
      drawAlerts();
      fitOnce();
    } else if (e.kind === "alert") {
      drawAlerts();
      panel.update(e.alert);
    }
  });

  drawCameras();
  drawAlerts();
  fitOnce();
  const wanted = params.get("alert");
  if (wanted) {
    select(wanted);
    const a = store.openAlerts.get(wanted);
    if (a) map.setView([a.latitude, a.longitude], 15);
    else void api.alert(wanted).then((x) => map.setView([x.latitude, x.longitude], 15)).catch(() => undefined);
  }
  // The container had no size until it was attached.
  requestAnimationFrame(() => map.invalidateSize());

  return {
    element: root,
    title: "Map",
    onKey(e) {
      if (panel.handleKey(e)) return true;
      const items = store.sortedOpenAlerts().filter((a) => !hiddenTypes.has(a.type));
      if (e.key === "Escape" && selected) {
        select(null);
        return true;
      }
      if ((e.key === "j" || e.key === "k") && items.length) {
        const from = selected ? items.findIndex((a) => a.id === selected) : cursor;
        cursor = Math.max(0, Math.min(items.length - 1, from + (e.key === "j" ? 1 : -1)));
        if (selected) select(items[cursor].id, true);
        else drawAlerts();
        return true;
      }
      if (e.key === "Enter" && !selected && cursor >= 0 && items[cursor]) {
        select(items[cursor].id, true);
        return true;
      }
      return false;
    },
    destroy() {
      unsubscribe();
      map.remove();
    },
  };
}

function escapeAttr(s: string): string {
  return s.replace(/[&"<>]/g, (c) => ({ "&": "&amp;", '"': "&quot;", "<": "&lt;", ">": "&gt;" })[c] as string);
}
