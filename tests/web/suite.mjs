// The real suite for the browser tests: the embedded broker (vigie-broker), a
// private PostgreSQL (deploy/local/postgres.sh) and vigie-event-manager serving
// the built web interface. Messages go on the bus the way an integrator would
// send them: text protobuf encoded by protoc, produced by kcat.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (CTest sets it; see tests/web/CMakeLists.txt)`);
  return v;
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(what, fn, timeoutMs = 30_000, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

function readTrimmed(file) {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    return "";
  }
}

// Escapes bytes for a protobuf text-format string.
function protoBytes(buf) {
  let s = "";
  for (const b of buf) s += `\\${b.toString(8).padStart(3, "0")}`;
  return s;
}

export function timestamp(date = new Date()) {
  const ms = date.getTime();
  return `{ seconds: ${Math.floor(ms / 1000)} nanos: ${(ms % 1000) * 1_000_000} }`;
}

export class Suite {
  constructor() {
    this.bin = env("VIGIE_BIN_DIR");
    this.source = env("VIGIE_SOURCE_DIR");
    this.webDir = env("VIGIE_WEB_DIR");
    this.dir = mkdtempSync(join(tmpdir(), "vigie-web-test-"));
    // PostgreSQL runs as user postgres when the tests run as root: let it in.
    chmodSync(this.dir, 0o755);
    this.children = [];
    this.messages = 0;
    this.passwords = {};
    process.on("exit", () => this.killAll());
  }

  log(name) {
    return readTrimmed(join(this.dir, `${name}.log`));
  }

  spawnLogged(name, command, extraEnv) {
    const out = join(this.dir, `${name}.log`);
    writeFileSync(out, "", { flag: "a" });
    const child = spawn(command, [], {
      env: { ...process.env, ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const append = (chunk) => writeFileSync(out, chunk, { flag: "a" });
    child.stdout.on("data", append);
    child.stderr.on("data", append);
    this.children.push(child);
    return child;
  }

  async start() {
    // Broker.
    const bootstrapFile = join(this.dir, "bootstrap");
    this.spawnLogged("broker", join(this.bin, "vigie-broker"), {
      VIGIE_BROKER_COUNT: "1",
      VIGIE_TOPIC_PARTITIONS: "2",
      VIGIE_ADMIN_ADDR: "127.0.0.1:0",
      VIGIE_ADMIN_URL_FILE: join(this.dir, "broker-admin.url"),
      VIGIE_BROKER_BOOTSTRAP_FILE: bootstrapFile,
    });
    this.bootstrap = await waitFor("vigie-broker's bootstrap address", () => readTrimmed(bootstrapFile), 15_000);

    // PostgreSQL, stopped by its watcher when this process ends.
    this.database = execFileSync(join(this.source, "deploy/local/postgres.sh"), ["start", join(this.dir, "pg")], {
      env: { ...process.env, VIGIE_PG_FAST: "1", VIGIE_PG_OWNER_PID: String(process.pid) },
      encoding: "utf8",
    }).trim();

    this.fernetKey = `${randomBytes(32).toString("base64url")}=`;
    this.adminPasswordFile = join(this.dir, "admin-password.txt");
    this.url = await this.startEventManager("127.0.0.1:0");
    this.passwords.admin = readTrimmed(this.adminPasswordFile);
    this.sessions = { admin: await this.login("admin", this.passwords.admin) };
  }

  // The event manager, serving the built interface; its base URL once ready.
  async startEventManager(httpAddress) {
    const urlFile = join(this.dir, "http.url");
    const adminFile = join(this.dir, "em-admin.url");
    rmSync(urlFile, { force: true });
    rmSync(adminFile, { force: true });
    this.eventManager = this.spawnLogged("event-manager", join(this.bin, "vigie-event-manager"), {
      VIGIE_KAFKA_BOOTSTRAP: this.bootstrap,
      VIGIE_TOPIC_PARTITIONS: "2",
      VIGIE_DATABASE_URL: this.database,
      VIGIE_FERNET_KEY: this.fernetKey,
      VIGIE_ADMIN_ADDR: "127.0.0.1:0",
      VIGIE_ADMIN_URL_FILE: adminFile,
      VIGIE_HTTP_ADDR: httpAddress,
      VIGIE_HTTP_URL_FILE: urlFile,
      VIGIE_WEB_DIR: this.webDir,
      VIGIE_FIRST_ADMIN_PASSWORD_FILE: this.adminPasswordFile,
      VIGIE_LOG_LEVEL: "info",
    });
    let exited = null;
    this.eventManager.on("exit", (code, signal) => (exited = `exit ${code ?? signal}`));
    try {
      const url = await waitFor(
        "vigie-event-manager to listen",
        () => {
          if (exited) throw new Error(`vigie-event-manager ended (${exited})`);
          return readTrimmed(urlFile);
        },
        60_000,
      );
      const admin = readTrimmed(adminFile);
      await waitFor("vigie-event-manager to be ready", async () => (await fetch(`${admin}/readyz`)).status === 200, 60_000, 250);
      return url;
    } catch (e) {
      throw new Error(`${e.message}\n--- event manager log ---\n${this.log("event-manager")}`);
    }
  }

  // An outage of the event manager: stopped, then started again on the same
  // address (the browser reconnects to it).
  async stopEventManager() {
    const child = this.eventManager;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const ended = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await Promise.race([ended, sleep(20_000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }

  async restartEventManager() {
    await this.startEventManager(new URL(this.url).host);
  }

  // Logins are rate limited per address (a burst of five): sign in once per
  // user and reuse the session.
  async login(name, password) {
    const res = await fetch(`${this.url}/api/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: name, password }),
    });
    if (res.status !== 200) throw new Error(`login as ${name}: HTTP ${res.status} ${await res.text()}`);
    return res.json();
  }

  async session(name) {
    if (!this.sessions[name]) this.sessions[name] = await this.login(name, this.passwords[name]);
    return this.sessions[name];
  }

  // A REST call as one of the users; the parsed answer, or an error with the body.
  async api(method, path, body, as = "admin") {
    const res = await this.request(method, path, body, as);
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${method} ${path} as ${as}: HTTP ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  async request(method, path, body, as = "admin") {
    const headers = { Authorization: `Bearer ${(await this.session(as)).token}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(`${this.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  async addUser(name, role) {
    const password = `${name}-${randomBytes(9).toString("base64url")}`;
    await this.api("POST", "/api/users", { name, password, role });
    this.passwords[name] = password;
    return password;
  }

  // One message on a topic: text format -> protoc --encode -> kcat -P.
  publish(topic, key, type, protoFile, text) {
    const encoded = execFileSync("protoc", ["--encode", type, "-I", join(this.source, "proto"), join(this.source, "proto", protoFile)], {
      input: text,
    });
    const file = join(this.dir, `message-${++this.messages}.bin`);
    writeFileSync(file, encoded);
    execFileSync("kcat", ["-P", "-b", this.bootstrap, "-t", `vigie.${topic}`, "-k", key, file], { stdio: "pipe" });
  }

  publishMotion(cameraId, { boxes = [[220, 120, 90, 160]], jpeg = null, at = new Date(), eventId } = {}) {
    const id = eventId ?? `motion-${cameraId}-${randomBytes(4).toString("hex")}`;
    const boxText = boxes.map(([x, y, w, h]) => `boxes { x: ${x} y: ${y} width: ${w} height: ${h} }`).join(" ");
    this.publish(
      "motion",
      cameraId,
      "vigie.v1.MotionEvent",
      "vigie/v1/motion.proto",
      `schema_version: 1 event_id: "${id}" update: 0 camera_id: "${cameraId}" phase: PHASE_START stream_id: "s1" ` +
        `frame_sequence: 1 capture_time ${timestamp(at)} frame_width: 640 frame_height: 480 ${boxText} score: 0.08 ` +
        (jpeg ? `frame_jpeg: "${protoBytes(jpeg)}"` : ""),
    );
    return id;
  }

  publishDetection(cameraId, analysis, label, score, { jpeg = null, at = new Date(), box = [200, 140, 120, 150] } = {}) {
    const seq = ++this.messages;
    this.publish(
      "detections",
      cameraId,
      "vigie.v1.Detection",
      "vigie/v1/detection.proto",
      `schema_version: 1 detection_id: "${cameraId}/s1/${seq}/${analysis}" camera_id: "${cameraId}" analysis: "${analysis}" ` +
        `level: LEVEL_POSITIVE objects { label: "${label}" score: ${score} box { x: ${box[0]} y: ${box[1]} width: ${box[2]} height: ${box[3]} } } ` +
        `model: "test-model" stream_id: "s1" frame_sequence: ${seq} capture_time ${timestamp(at)} latency_ms: 180 ` +
        `frame_width: 640 frame_height: 480 ` +
        (jpeg ? `frame_jpeg: "${protoBytes(jpeg)}"` : ""),
    );
  }

  publishStatus(cameraId, state, { fps = 5, error = "" } = {}) {
    const now = timestamp();
    this.publish(
      "status",
      cameraId,
      "vigie.v1.CameraStatus",
      "vigie/v1/status.proto",
      `schema_version: 1 camera_id: "${cameraId}" state: ${state} fps: ${fps} last_frame_time ${now} ` +
        `last_error: "${error}" instance: "ingest-1" time ${now} frames_published: 1200 reconnects: ${state === "STATE_CONNECTED" ? 0 : 3} stream_id: "s1"`,
    );
  }

  publishFrame(cameraId, sequence, jpeg) {
    this.publish(
      "frames",
      cameraId,
      "vigie.v1.Frame",
      "vigie/v1/frame.proto",
      `schema_version: 1 camera_id: "${cameraId}" sequence: ${sequence} stream_id: "s1" capture_time ${timestamp()} ` +
        `width: 640 height: 480 jpeg: "${protoBytes(jpeg)}" keyframe: true`,
    );
  }

  // One value from the database, through psql.
  sql(query) {
    return execFileSync("psql", [this.database, "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-c", query], { encoding: "utf8" }).trim();
  }

  // JPEG pictures of a real street (Debian's opencv-doc test video), for
  // evidence and live frames; empty when ffmpeg or the video is missing.
  pictures(count) {
    const video = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";
    if (!existsSync(video)) return [];
    const out = [];
    for (let i = 0; i < count; i++) {
      const file = join(this.dir, `picture-${i}.jpg`);
      try {
        execFileSync("ffmpeg", ["-v", "error", "-y", "-ss", String(2 + i * 0.4), "-i", video, "-frames:v", "1", "-vf", "scale=640:480", "-q:v", "5", file]);
        out.push(readFileSync(file));
      } catch {
        break;
      }
    }
    return out;
  }

  killAll() {
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  }

  async stop() {
    for (const c of [...this.children].reverse()) {
      if (c.exitCode !== null || c.signalCode !== null) continue;
      const ended = new Promise((r) => c.once("exit", r));
      c.kill("SIGTERM");
      await Promise.race([ended, sleep(15_000)]);
      if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    }
    try {
      execFileSync(join(this.source, "deploy/local/postgres.sh"), ["stop", join(this.dir, "pg")], { stdio: "pipe" });
    } catch {
      // Its watcher stops it when this process ends anyway.
    }
    if (!process.env.VIGIE_KEEP_TEST_DIR) rmSync(this.dir, { recursive: true, force: true });
  }
}
