// Add or edit a camera (admin): streams, credentials (write-only), position picked
// on the map, motion sensitivity, analyses, enabled. Field errors from the server
// are shown beside the field they name.
import * as L from "leaflet";
import { api, ApiError } from "../api";
import { addBaseLayers } from "../basemap";
import { h, replace, toast } from "../dom";
import { TYPE_LABEL } from "../format";
import { store } from "../store";
import type { Analysis, Camera, CameraInput, SourceKind, UiConfig } from "../types";
import type { Page } from "./page";

const KINDS: { kind: SourceKind; label: string; hint: string }[] = [
  { kind: "rtsp", label: "RTSP", hint: "rtsp://host:554/path" },
  { kind: "mjpeg", label: "HTTP MJPEG", hint: "http://host/video.mjpg" },
  { kind: "snapshot", label: "HTTP JPEG snapshot", hint: "https://city.example/cam12.jpg" },
  { kind: "file", label: "Local file (looped)", hint: "/var/lib/vigie/demo.mp4" },
  { kind: "v4l2", label: "V4L2 device", hint: "/dev/video0" },
];

export function cameraFormPage(config: UiConfig, editId: string | null): Page {
  const root = h("div", { class: "page form-page" });
  let map: L.Map | null = null;
  let destroyed = false;

  const build = (camera: Camera | null, analyses: Analysis[]) => {
    const v = (name: string) => form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;
    const errors = new Map<string, HTMLElement>();
    const input = (name: string, attrs: Record<string, string | number | boolean | null | undefined> = {}) =>
      h("input", { class: "input", name, id: `f-${name}`, ...attrs });
    const row = (label: string, name: string, control: HTMLElement, help?: string) => {
      const err = h("div", { class: "field-error", id: `e-${name}`, role: "alert" });
      errors.set(name, err);
      return h("div", { class: "field" }, h("label", { for: `f-${name}` }, label), control, help ? h("div", { class: "help" }, help) : null, err);
    };
    const kindSelect = (name: string, value: SourceKind) => {
      const s = h("select", { class: "input", name, id: `f-${name}` }, KINDS.map((k) => h("option", { value: k.kind }, k.label)));
      s.value = value;
      return s;
    };

    const a = camera?.analysis_stream;
    const r = camera?.recording_stream ?? null;
    // A new camera starts where the others are, unless the map has a home.
    const others = [...store.cameras.values()].filter((c) => c.id !== camera?.id);
    const othersBounds = others.length ? L.latLngBounds(others.map((c) => [c.latitude, c.longitude] as L.LatLngTuple)) : null;
    const home = config.map_center ?? (othersBounds ? ([othersBounds.getCenter().lat, othersBounds.getCenter().lng] as [number, number]) : [48.8566, 2.3522]);
    const lat = camera?.latitude ?? home[0];
    const lon = camera?.longitude ?? home[1];
    const sensitivity = camera?.motion?.sensitivity ?? 0.5;
    const chosen = new Set(camera?.analyses ?? []);

    const sensOut = h("output", { for: "f-sensitivity" }, `${Math.round(sensitivity * 100)} %`);
    const sensIn = input("sensitivity", { type: "range", min: 0, max: 1, step: 0.05, value: sensitivity });
    sensIn.addEventListener("input", () => (sensOut.textContent = `${Math.round(Number(sensIn.value) * 100)} %`));

    const recordingOn = h("input", { type: "checkbox", name: "recording_on", id: "f-recording_on", checked: !!r });
    const recordingFields = h(
      "div",
      { class: "sub", hidden: !r },
      row("Recording stream type", "recording_stream.kind", kindSelect("recording_kind", r?.kind ?? "rtsp")),
      row("Recording stream URL", "recording_stream.url", input("recording_url", { value: r?.url ?? "", placeholder: "rtsp://host:554/high" }), "The full-resolution stream the recorder reads."),
    );
    recordingOn.addEventListener("change", () => (recordingFields.hidden = !recordingOn.checked));

    const credMode = h(
      "select",
      { class: "input", name: "cred_mode", id: "f-cred_mode" },
      camera
        ? [
            h("option", { value: "keep" }, camera.has_credentials ? "Keep the stored credentials" : "None"),
            h("option", { value: "set" }, camera.has_credentials ? "Replace them" : "Set credentials"),
            camera.has_credentials ? h("option", { value: "remove" }, "Remove them") : null,
          ]
        : [h("option", { value: "keep" }, "None"), h("option", { value: "set" }, "Set credentials")],
    );
    const credFields = h(
      "div",
      { class: "sub grid2", hidden: true },
      row("User name", "credentials.username", input("username", { autocomplete: "off" })),
      row("Password", "credentials.password", input("password", { type: "password", autocomplete: "new-password" })),
    );
    credMode.addEventListener("change", () => (credFields.hidden = credMode.value !== "set"));

    const kindSel = kindSelect("analysis_kind", a?.kind ?? "rtsp");
    const urlIn = input("analysis_url", { value: a?.url ?? "", required: true, placeholder: KINDS[0].hint });
    const transport = h(
      "select",
      { class: "input", name: "rtsp_transport", id: "f-rtsp_transport" },
      h("option", { value: "tcp" }, "TCP"),
      h("option", { value: "udp" }, "UDP"),
    );
    transport.value = a?.rtsp_transport ?? "tcp";
    const interval = input("snapshot_interval_ms", { type: "number", min: 100, step: 100, value: a?.snapshot_interval_ms ?? 2000 });
    const rtspRow = row("RTSP transport", "analysis_stream.rtsp_transport", transport);
    const snapRow = row("Snapshot interval (ms)", "analysis_stream.snapshot_interval_ms", interval, "How often the JPEG is fetched; unchanged pictures are skipped.");
    const syncKind = () => {
      rtspRow.hidden = kindSel.value !== "rtsp";
      snapRow.hidden = kindSel.value !== "snapshot";
      urlIn.placeholder = KINDS.find((k) => k.kind === kindSel.value)?.hint ?? "";
    };
    kindSel.addEventListener("change", syncKind);

    const latIn = input("latitude", { type: "number", step: "any", min: -90, max: 90, value: lat.toFixed(6), required: true });
    const lonIn = input("longitude", { type: "number", step: "any", min: -180, max: 180, value: lon.toFixed(6), required: true });
    const mapEl = h("div", { class: "picker-map", "aria-label": "Click to place the camera" });

    const analysisBoxes = analyses.length
      ? h(
          "div",
          { class: "checks" },
          analyses.map((x) =>
            h(
              "label",
              { class: "check" },
              h("input", { type: "checkbox", name: "analysis", value: x.name, checked: chosen.has(x.name) }),
              h("span", {}, x.name),
              h("span", { class: `badge type-${x.type}` }, TYPE_LABEL[x.type]),
              h("span", { class: "muted small" }, `${x.detector} · ${x.labels.join(", ")}`),
            ),
          ),
        )
      : h("p", { class: "muted" }, "No analysis is defined yet.");
    const analysesErr = h("div", { class: "field-error", id: "e-analyses", role: "alert" });
    errors.set("analyses", analysesErr);

    const formError = h("div", { class: "form-error", role: "alert" });
    const submit = h("button", { class: "btn btn-primary", type: "submit" }, camera ? "Save changes" : "Add camera");
    const form: HTMLFormElement = h(
      "form",
      { class: "camera-form", novalidate: true },
      h(
        "div",
        { class: "form-head" },
        h("h1", {}, camera ? `Edit ${camera.name}` : "Add a camera"),
        h("div", { class: "spacer" }),
        h("a", { class: "btn", href: "#/cameras" }, "Cancel"),
        submit,
      ),
      formError,
      h(
        "div",
        { class: "form-cols" },
        h(
          "div",
          { class: "form-col" },
          h(
            "section",
            { class: "card" },
            h("h2", {}, "Identity"),
            h(
              "div",
              { class: "grid2" },
              row("Id", "id", input("id", { value: camera?.id ?? "", required: true, readonly: !!camera, pattern: "[A-Za-z0-9][A-Za-z0-9._-]{0,63}", placeholder: "north-gate-1" }), camera ? "The id cannot change." : "Letters, digits, . _ -"),
              row("Name", "name", input("name", { value: camera?.name ?? "", required: true, maxlength: 200, placeholder: "North gate" })),
            ),
            h("label", { class: "check" }, h("input", { type: "checkbox", name: "enabled", checked: camera?.enabled ?? true }), h("span", {}, "Enabled: read its stream")),
          ),
          h(
            "section",
            { class: "card" },
            h("h2", {}, "Analysis stream"),
            h("div", { class: "grid2" }, row("Type", "analysis_stream.kind", kindSel), rtspRow, snapRow),
            row("URL", "analysis_stream.url", urlIn, "Without user name or password: those go below."),
            h("label", { class: "check" }, recordingOn, h("span", {}, "Separate high-resolution stream for recording")),
            recordingFields,
          ),
          h("section", { class: "card" }, h("h2", {}, "Credentials"), row("Stream credentials", "credentials", credMode, "Stored encrypted; never shown again."), credFields),
        ),
        h(
          "div",
          { class: "form-col" },
          h(
            "section",
            { class: "card" },
            h("h2", {}, "Position"),
            h("p", { class: "help" }, "Click the map or drag the marker; or type the coordinates."),
            mapEl,
            h("div", { class: "grid2" }, row("Latitude", "latitude", latIn), row("Longitude", "longitude", lonIn)),
          ),
          h(
            "section",
            { class: "card" },
            h("h2", {}, "Motion"),
            row("Sensitivity", "motion.sensitivity", h("div", { class: "range" }, sensIn, sensOut), "Higher finds smaller changes, and more false alarms."),
          ),
          h("section", { class: "card" }, h("h2", {}, "Analyses"), analysisBoxes, analysesErr),
        ),
      ),
    );
    syncKind();
    replace(root, form);

    // Position picker.
    map = L.map(mapEl, { zoomControl: true, minZoom: 2 }).setView([lat, lon], camera ? 16 : config.map_zoom ?? 12);
    if (!camera && !config.map_center && othersBounds) map.fitBounds(othersBounds.pad(0.15), { maxZoom: 16, animate: false });
    addBaseLayers(map, config);
    for (const c of others) {
      L.circleMarker([c.latitude, c.longitude], { radius: 4, color: "#64748b", weight: 1, fillOpacity: 0.6 })
        .bindTooltip(c.name)
        .addTo(map);
    }
    const pin = L.marker([lat, lon], {
      draggable: true,
      icon: L.divIcon({ className: "", html: '<div class="camera-marker pin"></div>', iconSize: [18, 18], iconAnchor: [9, 9] }),
    }).addTo(map);
    const setPos = (p: L.LatLng) => {
      latIn.value = p.lat.toFixed(6);
      lonIn.value = p.lng.toFixed(6);
    };
    map.on("click", (e: L.LeafletMouseEvent) => {
      pin.setLatLng(e.latlng);
      setPos(e.latlng);
    });
    pin.on("dragend", () => setPos(pin.getLatLng()));
    const fromInputs = () => {
      const la = Number(latIn.value);
      const lo = Number(lonIn.value);
      if (Number.isFinite(la) && Number.isFinite(lo) && Math.abs(la) <= 90 && Math.abs(lo) <= 180) {
        pin.setLatLng([la, lo]);
        map?.panTo([la, lo]);
      }
    };
    latIn.addEventListener("change", fromInputs);
    lonIn.addEventListener("change", fromInputs);
    requestAnimationFrame(() => map?.invalidateSize());

    const showError = (e: ApiError) => {
      for (const el of errors.values()) el.textContent = "";
      for (const el of form.querySelectorAll(".invalid")) el.classList.remove("invalid");
      const name = e.field ?? "";
      // "motion.masks[2]" -> "motion.masks"; a field the form has no row for goes on top.
      const key = [...errors.keys()].find((k) => name === k || name.startsWith(`${k}.`) || name.startsWith(`${k}[`));
      if (key) {
        errors.get(key)!.textContent = e.message;
        errors.get(key)!.previousElementSibling?.classList.add("invalid");
        errors.get(key)!.parentElement?.querySelector(".input")?.classList.add("invalid");
        errors.get(key)!.parentElement?.scrollIntoView({ block: "center" });
        formError.textContent = "";
      } else {
        formError.textContent = e.message;
      }
    };

    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const body: CameraInput = {
        id: v("id").value.trim(),
        name: v("name").value.trim(),
        enabled: (v("enabled") as HTMLInputElement).checked,
        analysis_stream: { kind: kindSel.value as SourceKind, url: urlIn.value.trim() },
        recording_stream: recordingOn.checked
          ? { kind: v("recording_kind").value as SourceKind, url: v("recording_url").value.trim() }
          : null,
        latitude: Number(latIn.value),
        longitude: Number(lonIn.value),
        motion: { ...(camera?.motion ?? {}), sensitivity: Number(sensIn.value) },
        analyses: [...form.querySelectorAll<HTMLInputElement>('input[name="analysis"]:checked')].map((x) => x.value),
      };
      if (camera?.frames) body.frames = camera.frames;
      if (body.analysis_stream.kind === "rtsp") body.analysis_stream.rtsp_transport = transport.value as "tcp" | "udp";
      if (body.analysis_stream.kind === "snapshot") body.analysis_stream.snapshot_interval_ms = Number(interval.value);
      if (camera?.analysis_stream.kind === body.analysis_stream.kind && camera.analysis_stream.snapshot_min_hash_distance !== undefined)
        body.analysis_stream.snapshot_min_hash_distance = camera.analysis_stream.snapshot_min_hash_distance;
      if (credMode.value === "set") body.credentials = { username: v("username").value, password: v("password").value };
      else if (credMode.value === "remove") body.credentials = null;
      else if (!camera) delete body.credentials;
      if (!body.id || !body.name || !body.analysis_stream.url) {
        showError(new ApiError(400, "validation_failed", "Required", !body.id ? "id" : !body.name ? "name" : "analysis_stream.url"));
        return;
      }
      submit.disabled = true;
      try {
        const saved = camera ? await api.updateCamera(camera.id, body) : await api.createCamera(body);
        store.applyCamera(saved);
        toast(camera ? `${saved.name} saved` : `${saved.name} added`, "success");
        location.hash = "#/cameras";
      } catch (err) {
        submit.disabled = false;
        if (err instanceof ApiError) showError(err);
        else formError.textContent = String(err);
      }
    });
    (camera ? v("name") : v("id")).focus();
  };

  replace(root, h("p", { class: "muted pad" }, "Loading…"));
  Promise.all([editId ? api.camera(editId) : Promise.resolve(null), api.analyses().catch(() => [] as Analysis[])])
    .then(([camera, analyses]) => {
      if (!destroyed) build(camera, analyses);
    })
    .catch((e) => {
      if (!destroyed) replace(root, h("p", { class: "error-text pad" }, e instanceof ApiError ? e.message : String(e)));
    });

  return {
    element: root,
    title: editId ? "Edit camera" : "Add camera",
    onKey(e) {
      if (e.key === "Escape") {
        location.hash = "#/cameras";
        return true;
      }
      return false;
    },
    destroy() {
      destroyed = true;
      map?.remove();
    },
  };
}
