// The map's base layers. The vector layer (Natural Earth land and borders from the
// world-atlas package, served with the UI) needs no internet; a raster tile server
// is added on top when /config.json names one, and the layer control switches.
import * as L from "leaflet";
import { feature, mesh } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import type { UiConfig } from "./types";

type Detail = "50m" | "10m";
const cache = new Map<Detail, Promise<{ land: GeoJSON.GeoJsonObject; borders: GeoJSON.GeoJsonObject }>>();

function loadDetail(detail: Detail) {
  let p = cache.get(detail);
  if (!p) {
    p = fetch(`basemap/countries-${detail}.json`)
      .then((r) => {
        if (!r.ok) throw new Error(`basemap/countries-${detail}.json: HTTP ${r.status}`);
        return r.json() as Promise<Topology<{ land: GeometryCollection; countries: GeometryCollection }>>;
      })
      .then((topology) => ({
        land: feature(topology, topology.objects.land) as GeoJSON.GeoJsonObject,
        borders: mesh(topology, topology.objects.countries, (a, b) => a !== b) as GeoJSON.GeoJsonObject,
      }));
    p.catch(() => cache.delete(detail));
    cache.set(detail, p);
  }
  return p;
}

// Lines of latitude and longitude at a spacing that suits the zoom, labelled on
// the map's top and left edges, so a city view far from any coastline still
// shows where it is, its scale and its north.
const STEPS = [30, 10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005];

class Graticule extends L.Layer {
  private canvas: HTMLCanvasElement | null = null;

  onAdd(map: L.Map): this {
    this.canvas = L.DomUtil.create("canvas", "graticule") as HTMLCanvasElement;
    map.getPane("grid")?.appendChild(this.canvas);
    map.on("moveend zoomend resize viewreset", this.draw, this);
    map.on("zoomstart", this.hide, this);
    this.draw();
    return this;
  }

  onRemove(map: L.Map): this {
    map.off("moveend zoomend resize viewreset", this.draw, this);
    map.off("zoomstart", this.hide, this);
    this.canvas?.remove();
    this.canvas = null;
    return this;
  }

  private hide(): void {
    if (this.canvas) this.canvas.style.visibility = "hidden";
  }

  private draw(): void {
    const map = this._map;
    const canvas = this.canvas;
    if (!map || !canvas) return;
    const size = map.getSize();
    const dpr = window.devicePixelRatio || 1;
    canvas.width = size.x * dpr;
    canvas.height = size.y * dpr;
    canvas.style.width = `${size.x}px`;
    canvas.style.height = `${size.y}px`;
    canvas.style.visibility = "visible";
    L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    ctx.scale(dpr, dpr);
    const bounds = map.getBounds();
    // About six lines across the width.
    const span = bounds.getEast() - bounds.getWest();
    const step = STEPS.find((s) => span / s >= 5) ?? STEPS[STEPS.length - 1];
    const decimals = Math.max(0, Math.ceil(-Math.log10(step)));
    ctx.strokeStyle = "rgba(148, 163, 184, 0.13)";
    ctx.fillStyle = "rgba(148, 163, 184, 0.55)";
    ctx.lineWidth = 1;
    ctx.font = "10px ui-monospace, 'DejaVu Sans Mono', monospace";
    for (let lng = Math.ceil(bounds.getWest() / step) * step; lng <= bounds.getEast(); lng += step) {
      const x = Math.round(map.latLngToContainerPoint([bounds.getCenter().lat, lng]).x) + 0.5;
      ctx.beginPath();
      ctx.moveTo(x, 0);
      ctx.lineTo(x, size.y);
      ctx.stroke();
      ctx.fillText(`${Math.abs(lng).toFixed(decimals)}°${lng >= 0 ? "E" : "W"}`, x + 4, 12);
    }
    for (let lat = Math.ceil(bounds.getSouth() / step) * step; lat <= bounds.getNorth(); lat += step) {
      const y = Math.round(map.latLngToContainerPoint([lat, bounds.getCenter().lng]).y) + 0.5;
      ctx.beginPath();
      ctx.moveTo(0, y);
      ctx.lineTo(size.x, y);
      ctx.stroke();
      const label = `${Math.abs(lat).toFixed(decimals)}°${lat >= 0 ? "N" : "S"}`;
      ctx.fillText(label, size.x - ctx.measureText(label).width - 6, y - 4);
    }
  }
}

export function addBaseLayers(map: L.Map, config: UiConfig): void {
  map.createPane("basemap").style.zIndex = "150";
  const grid = map.createPane("grid");
  grid.style.zIndex = "160";
  grid.style.pointerEvents = "none";
  const renderer = L.canvas({ pane: "basemap", padding: 0.3 });
  const vector = L.layerGroup();
  new Graticule().addTo(vector);

  let shown: Detail | null = null;
  let layers: L.Layer[] = [];
  const show = async () => {
    if (!map.hasLayer(vector)) return;
    const want: Detail = map.getZoom() >= 5 ? "10m" : "50m";
    if (want === shown) return;
    shown = want;
    try {
      const { land, borders } = await loadDetail(want);
      if (shown !== want) return;
      for (const l of layers) vector.removeLayer(l);
      layers = [
        L.geoJSON(land, {
          renderer,
          interactive: false,
          style: { stroke: true, color: "#2b4163", weight: 1, fillColor: "#142033", fillOpacity: 1 },
        } as L.GeoJSONOptions),
        L.geoJSON(borders, {
          renderer,
          interactive: false,
          style: { color: "#3a5277", weight: 1, dashArray: "4 3", fill: false },
        } as L.GeoJSONOptions),
      ];
      for (const l of layers) vector.addLayer(l);
    } catch {
      shown = null;  // tried again on the next zoom
    }
  };
  map.on("zoomend", () => void show());
  vector.on("add", () => void show());
  vector.addTo(map);

  const bases: Record<string, L.Layer> = { "Offline map": vector };
  if (config.tile_url) {
    const tiles = L.tileLayer(config.tile_url, {
      maxZoom: config.tile_max_zoom ?? 19,
      attribution: config.tile_attribution ?? "",
      className: "tiles-dark",
    });
    bases["Tile server"] = tiles;
    vector.removeFrom(map);
    tiles.addTo(map);
  }
  if (Object.keys(bases).length > 1) L.control.layers(bases, {}, { position: "bottomleft" }).addTo(map);
  L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
  map.attributionControl.setPrefix("Leaflet");
  map.attributionControl.addAttribution("Offline map: Natural Earth");
}
