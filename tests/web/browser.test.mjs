// The operators' web interface in Debian's chromium (headless, driven by
// playwright-core) against the real suite: log in; an alert produced on the bus
// appears on the map with its danger perimeter; confirming it changes its state
// in PostgreSQL; a camera added in the form appears with a live status badge; a
// viewer cannot decide alerts. With VIGIE_SCREENSHOT_DIR set, each page is also
// saved there as a PNG (docs/screenshots is made this way).
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Suite, waitFor } from "./suite.mjs";

const require = createRequire(join(process.env.VIGIE_SOURCE_DIR ?? ".", "web/package.json"));
const { chromium } = require("playwright-core");

const CHROMIUM = process.env.VIGIE_CHROMIUM ?? "/usr/bin/chromium";
const SHOTS = process.env.VIGIE_SCREENSHOT_DIR ?? "";
const VIEWPORT = { width: 1600, height: 900 };

// A few cameras around central Paris, for a map that looks like a city's.
const CAMERAS = [
  { id: "republique", name: "Place de la République", lat: 48.8674, lon: 2.3636, status: "STATE_CONNECTED" },
  { id: "gare-de-lyon", name: "Gare de Lyon forecourt", lat: 48.8443, lon: 2.3744, status: "STATE_CONNECTED" },
  { id: "pont-neuf", name: "Pont Neuf", lat: 48.8578, lon: 2.3413, status: "STATE_CONNECTED" },
  { id: "bastille", name: "Bastille roundabout", lat: 48.8532, lon: 2.3692, status: "STATE_RECONNECTING", error: "RTSP: connection timed out" },
  { id: "chatelet", name: "Châtelet exit 4", lat: 48.8609, lon: 2.3469, status: "STATE_CONNECTED" },
  { id: "hotel-de-ville", name: "Hôtel de Ville square", lat: 48.8566, lon: 2.3522, status: "STATE_CONNECTED" },
  { id: "gare-du-nord", name: "Gare du Nord taxis", lat: 48.8809, lon: 2.3553, status: "STATE_STREAM_LOST", error: "no frame for 30 s" },
  { id: "canal-st-martin", name: "Canal Saint-Martin lock", lat: 48.8718, lon: 2.3661, status: "STATE_CONNECTED", enabled: false },
  { id: "north-gate", name: "North gate", lat: 48.8652, lon: 2.3530, status: "STATE_CONNECTED" },
];

const ANALYSES = [
  {
    name: "fire", type: "fire_brigade", detector: "yolo-fire", labels: ["fire", "smoke"], min_score: 0.5, positives_needed: 1,
    window_ms: 10000, fps: 2, perimeter_m: 300,
    actions: ["Dispatch the nearest fire engine", "Close the street to traffic", "Evacuate the perimeter"],
  },
  {
    name: "violence", type: "police", detector: "violence-net", labels: ["fight"], min_score: 0.6, positives_needed: 1,
    window_ms: 10000, fps: 4, perimeter_m: 150, actions: ["Send the nearest patrol", "Keep the camera on screen"],
  },
  {
    name: "accident", type: "ambulance", detector: "yolo-road", labels: ["crash", "person_down"], min_score: 0.5,
    positives_needed: 1, window_ms: 10000, fps: 2, perimeter_m: 120,
    actions: ["Send an ambulance", "Alert the traffic police"],
  },
  {
    name: "intrusion", type: "police", detector: "motion", labels: ["motion"], min_score: 0, positives_needed: 1,
    window_ms: 10000, fps: 5, perimeter_m: 80, actions: ["Check the gate on the live view", "Send a patrol if someone is inside"],
  },
];

let suite;
let browser;
let pictures = [];

async function shot(page, name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

function newContext() {
  return browser.newContext({ viewport: VIEWPORT, timezoneId: "Europe/Paris", locale: "en-GB" });
}

// A page already signed in as the user (the session the interface keeps in local
// storage): the sign-in form itself is tested once, logins being rate limited.
async function loggedIn(name) {
  const context = await newContext();
  const session = await suite.session(name);
  await context.addInitScript((s) => localStorage.setItem("vigie.session", s), JSON.stringify(session));
  const page = await context.newPage();
  await page.goto(suite.url);
  await page.waitForSelector(`.topbar .user-name:has-text("${name}")`);
  await page.waitForSelector(".link-state.link-open", { timeout: 20_000 });
  return page;
}

async function openAlertIds() {
  const [pending, confirmed] = await Promise.all([
    suite.api("GET", "/api/alerts?state=pending&limit=500"),
    suite.api("GET", "/api/alerts?state=confirmed&limit=500"),
  ]);
  return [...pending.alerts, ...confirmed.alerts];
}

before(async () => {
  suite = new Suite();
  await suite.start();
  await suite.addUser("operator1", "operator");
  await suite.addUser("viewer1", "viewer");
  for (const a of ANALYSES) await suite.api("POST", "/api/analyses", a);
  for (const c of CAMERAS) {
    await suite.api("POST", "/api/cameras", {
      id: c.id,
      name: c.name,
      enabled: c.enabled ?? true,
      analysis_stream: { kind: "rtsp", url: `rtsp://cameras.city.example/${c.id}/analysis`, rtsp_transport: "tcp" },
      recording_stream: { kind: "rtsp", url: `rtsp://cameras.city.example/${c.id}/main` },
      latitude: c.lat,
      longitude: c.lon,
      analyses: c.id === "north-gate" ? ["intrusion"] : ["fire", "violence", "accident"],
    });
    if (c.enabled ?? true) suite.publishStatus(c.id, c.status, { fps: c.status === "STATE_CONNECTED" ? 5 : 0, error: c.error ?? "" });
  }
  pictures = suite.pictures(4);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
});

after(async () => {
  await browser?.close();
  await suite?.stop();
});

describe("web interface", () => {
  test("an operator logs in and sees the cameras on the map", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(suite.url);
    await page.waitForSelector("form.login-card");
    await shot(page, "login");
    await page.fill("#username", "operator1");
    await page.fill("#password", "wrong password!");
    await page.click("button[type=submit]");
    await page.waitForSelector(".form-error:has-text('Wrong user name or password')");
    await page.fill("#username", "operator1");
    await page.fill("#password", suite.passwords.operator1);
    await page.click("button[type=submit]");
    await page.waitForSelector(".topbar .user-name:has-text('operator1')");
    assert.equal(await page.textContent(".topbar .role"), "operator");
    await page.waitForSelector(".link-state.link-open", { timeout: 20_000 });
    // Every camera is a marker; the disabled one says so.
    await waitFor("every camera on the map", async () => (await page.locator(".camera-marker").count()) === CAMERAS.length, 20_000);
    await page.waitForSelector('.camera-marker[data-camera-id="canal-st-martin"][data-stream-state="disabled"]');
    // The later tests go on with this session.
    suite.sessions.operator1 = JSON.parse(await page.evaluate(() => localStorage.getItem("vigie.session")));
    await context.close();
  });

  test("an alert produced on the bus appears on the map with its perimeter, and confirming it is stored", async () => {
    // Background alerts of every type, with evidence, so the map looks like a shift's.
    suite.publishDetection("gare-de-lyon", "fire", "smoke", 0.87, { jpeg: pictures[0] });
    suite.publishDetection("chatelet", "violence", "fight", 0.74, { jpeg: pictures[1] });
    suite.publishDetection("pont-neuf", "accident", "person_down", 0.81, { jpeg: pictures[2] });
    await waitFor("the background alerts", async () => (await openAlertIds()).length >= 3, 30_000, 250);

    const page = await loggedIn("operator1");
    await waitFor("three alerts on the map", async () => (await page.locator(".alert-marker").count()) >= 3, 20_000);
    const perimetersBefore = await page.locator("path.alert-perimeter").count();

    const published = Date.now();
    suite.publishMotion("north-gate", { jpeg: pictures[3] });
    const marker = await page.waitForSelector(".alert-marker.type-police.unseen", { timeout: 20_000 });
    const appearedMs = Date.now() - published;
    const alertId = await marker.getAttribute("data-alert-id");
    const alert = await suite.api("GET", `/api/alerts/${alertId}`);
    assert.equal(alert.camera_id, "north-gate");
    assert.equal(alert.state, "pending");
    assert.equal(alert.perimeter_m, 80);
    assert.equal(await page.locator("path.alert-perimeter").count(), perimetersBefore + 1, "its danger perimeter is drawn");
    await page.waitForSelector(`.feed-item.unseen[data-alert-id="${alertId}"]`);
    console.log(`# alert on the map ${appearedMs} ms after its motion event was produced (kcat, rule, database, WebSocket, browser)`);
    await shot(page, "map");

    await page.click(`.alert-marker[data-alert-id="${alertId}"]`);
    const panel = page.locator(`.alert-panel .panel-body[data-alert-id="${alertId}"]`);
    await panel.waitFor();
    assert.match(await page.textContent(".alert-panel"), /North gate/);
    assert.match(await page.textContent(".alert-panel"), /Check the gate on the live view/);
    await page.click(".alert-panel button:has-text('Show on map')");
    await page.mouse.move(VIEWPORT.width - 100, VIEWPORT.height - 40);
    await page.waitForTimeout(1000);
    await shot(page, "map-alert-detail");

    await page.fill(".alert-panel textarea.note", "Person climbing the gate, patrol sent");
    await page.click('.alert-panel button[data-decision="confirmed"]');
    await page.waitForSelector(`.alert-panel .panel-body[data-alert-id="${alertId}"][data-alert-state="confirmed"]`);
    assert.equal(suite.sql(`SELECT state FROM alerts WHERE id = '${alertId}'`), "confirmed");
    assert.equal(
      suite.sql(`SELECT decided_by || '|' || note FROM alert_decisions WHERE alert_id = '${alertId}' ORDER BY decided_at DESC LIMIT 1`),
      "user:operator1|Person climbing the gate, patrol sent",
    );
    // Confirmed is still open: it stays on the map, no longer pulsing as new.
    await page.waitForSelector(`.alert-marker.state-confirmed[data-alert-id="${alertId}"]:not(.unseen)`);

    // The keyboard decides too: R rejects the alert open in the panel.
    await page.keyboard.press("Escape");
    await page.waitForSelector(".feed:not([hidden])");
    const accident = (await openAlertIds()).find((a) => a.camera_id === "pont-neuf");
    await page.click(`.feed-item[data-alert-id="${accident.id}"]`);
    await page.waitForSelector(`.alert-panel .panel-body[data-alert-id="${accident.id}"]`);
    await page.keyboard.press("r");
    await waitFor("the rejection in PostgreSQL", () => suite.sql(`SELECT state FROM alerts WHERE id = '${accident.id}'`) === "rejected", 10_000);
    // A closed alert leaves the map.
    await page.waitForSelector(`.alert-marker[data-alert-id="${accident.id}"]`, { state: "detached" });
    await page.context().close();
  });

  test("alert history filters and pages", async () => {
    const page = await loggedIn("operator1");
    await page.click('a[data-nav="alerts"]');
    await page.waitForSelector(".alerts-table tbody tr[data-alert-id]");
    const all = await page.locator(".alerts-table tbody tr[data-alert-id]").count();
    assert.ok(all >= 4, `${all} alerts listed`);
    await page.selectOption("select[name=type]", "fire_brigade");
    await page.click(".filters button[type=submit]");
    await waitFor("only fire alerts", async () => {
      const types = await page.locator(".alerts-table tbody tr[data-alert-id] .badge.type-fire_brigade").count();
      const rows = await page.locator(".alerts-table tbody tr[data-alert-id]").count();
      return rows >= 1 && rows === types;
    });
    assert.match(page.url(), /type=fire_brigade/);
    await page.selectOption("select[name=type]", "");
    await page.click(".filters button[type=submit]");
    await waitFor("every alert again", async () => (await page.locator(".alerts-table tbody tr[data-alert-id]").count()) === all);
    await page.locator(".alerts-table tbody tr[data-alert-id]").first().click();
    await page.waitForSelector(".alert-panel .panel-body");
    await shot(page, "alert-history");
    await page.context().close();
  });

  test("an admin adds a camera in the form and it appears with its status badge", async () => {
    const page = await loggedIn("admin");
    await page.click('a[data-nav="cameras"]');
    await page.waitForSelector('.cameras-table tr[data-camera-id="republique"]');
    await page.click('[data-action="add-camera"]');
    await page.waitForSelector("form.camera-form");
    await page.fill("#f-id", "quai-de-seine");
    await page.fill("#f-name", "Quai de Seine footbridge");
    await page.selectOption("#f-analysis_kind", "rtsp");
    await page.fill("#f-analysis_url", "rtsp://cameras.city.example/quai-de-seine/analysis");
    await page.check("#f-recording_on");
    await page.fill("#f-recording_url", "rtsp://cameras.city.example/quai-de-seine/main");
    await page.selectOption("#f-cred_mode", "set");
    await page.fill("#f-username", "viewer");
    await page.fill("#f-password", "s3cret-camera-password");
    // The position is picked on the map.
    const map = page.locator(".picker-map");
    const box = await map.boundingBox();
    await page.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.4);
    const lat = Number(await page.inputValue("#f-latitude"));
    assert.ok(Math.abs(lat - 48.8566) < 0.5, `latitude ${lat} picked on the map`);
    await page.locator("#f-sensitivity").evaluate((el) => {
      el.value = "0.7";
      el.dispatchEvent(new Event("input", { bubbles: true }));
    });
    await page.check('input[name=analysis][value="fire"]');
    await shot(page, "camera-form");
    await page.click("form.camera-form button[type=submit]");

    const row = page.locator('.cameras-table tr[data-camera-id="quai-de-seine"]');
    await row.waitFor();
    await row.locator(".badge.stream").waitFor();
    const stored = await suite.api("GET", "/api/cameras/quai-de-seine");
    assert.equal(stored.has_credentials, true);
    assert.deepEqual(stored.analyses, ["fire"]);
    assert.ok(Math.abs(stored.motion.sensitivity - 0.7) < 1e-6, `sensitivity ${stored.motion.sensitivity}`);
    assert.equal(JSON.stringify(stored).includes("s3cret-camera-password"), false);

    // Ingest reports on it: the badge follows without a reload.
    suite.publishStatus("quai-de-seine", "STATE_CONNECTED");
    await page.waitForSelector('.cameras-table tr[data-camera-id="quai-de-seine"] .badge.stream[data-stream-state="connected"]', {
      timeout: 20_000,
    });
    assert.equal((await row.locator(".badge.stream").textContent()).trim(), "Connected");
    await shot(page, "cameras");

    await page.click('a[data-nav="analyses"]');
    await page.waitForSelector('.analyses-table tr[data-analysis="intrusion"]');
    await shot(page, "analyses");
    await page.context().close();
  });

  test("a viewer sees alerts but cannot decide them nor change cameras", async () => {
    const page = await loggedIn("viewer1");
    const alerts = await openAlertIds();
    const pending = alerts.find((a) => a.state === "pending");
    assert.ok(pending, "a pending alert to look at");
    await page.waitForSelector(`.alert-marker[data-alert-id="${pending.id}"]`);
    await page.click(`.feed-item[data-alert-id="${pending.id}"]`);
    await page.waitForSelector(`.alert-panel .panel-body[data-alert-id="${pending.id}"]`);
    assert.equal(await page.locator(".alert-panel [data-decision]").count(), 0, "no decision button for a viewer");
    await page.keyboard.press("c");
    await page.waitForTimeout(500);
    assert.equal(suite.sql(`SELECT state FROM alerts WHERE id = '${pending.id}'`), "pending");
    // The server refuses it too.
    const res = await suite.request("POST", `/api/alerts/${pending.id}/decisions`, { state: "confirmed" }, "viewer1");
    assert.equal(res.status, 403);

    await page.click('a[data-nav="cameras"]');
    await page.waitForSelector('.cameras-table tr[data-camera-id="republique"]');
    assert.equal(await page.locator('[data-action="add-camera"]').count(), 0);
    assert.equal(await page.locator('.cameras-table [data-action="edit"], .cameras-table [data-action="delete"], .cameras-table [data-action="disable"]').count(), 0);
    await page.context().close();
  });

  test("the page rides out an event manager restart and shows what was raised meanwhile", async () => {
    const page = await loggedIn("operator1");
    await waitFor("the open alerts on the map", async () => (await page.locator(".alert-marker").count()) >= 2);
    await suite.stopEventManager();
    await page.waitForSelector(".link-state.link-reconnecting", { timeout: 20_000 });
    // Raised while the event manager is down: it waits on the bus.
    suite.publishDetection("gare-du-nord", "fire", "fire", 0.95, { jpeg: pictures[0] });
    await suite.restartEventManager();
    await page.waitForSelector(".link-state.link-open", { timeout: 60_000 });
    const raised = await waitFor(
      "the alert raised during the outage",
      async () => (await openAlertIds()).find((a) => a.camera_id === "gare-du-nord"),
      30_000,
      250,
    );
    await page.waitForSelector(`.alert-marker.type-fire_brigade[data-alert-id="${raised.id}"]`, { timeout: 20_000 });
    await page.context().close();
  });

  test("the live view shows the camera's frames and its latest boxes", async () => {
    const page = await loggedIn("operator1");
    await page.goto(`${suite.url}/#/live/republique`);
    let sequence = 0;
    const feeding = setInterval(() => {
      if (pictures.length) suite.publishFrame("republique", ++sequence, pictures[sequence % pictures.length]);
    }, 250);
    try {
      await page.waitForFunction(() => {
        const img = document.querySelector(".live-img");
        return img && img.naturalWidth > 0;
      }, null, { timeout: 30_000 });
      suite.publishMotion("republique", { boxes: [[300, 170, 80, 190]] });
      await waitFor("the motion box in the overlay", async () => (await suite.api("GET", "/api/cameras/republique/overlay", undefined, "operator1")).motion);
      await page.waitForTimeout(800);
      await shot(page, "live-view");
    } finally {
      clearInterval(feeding);
      await page.context().close();
    }
  });
});
