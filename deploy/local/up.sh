#!/usr/bin/env bash
# Runs the whole Vigie suite on this machine: installs what is missing, builds,
# starts the embedded broker, a private PostgreSQL, every service built so far and
# a demo camera (vtest.avi over a local RTSP server), then prints where to open
# things and waits. Ctrl-C stops everything and leaves no process behind.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
run_dir=${VIGIE_RUN_DIR:-$root/run}
build=${VIGIE_BUILD_DIR:-$root/build/release}
# PostgreSQL's directory must be reachable by the unprivileged server user, which
# a checkout under /root is not.
pg_dir=${VIGIE_PG_DIR:-/var/tmp/vigie-local-$(id -u)/postgres}
rtsp_port=${VIGIE_DEMO_RTSP_PORT:-8554}
broker_admin=127.0.0.1:${VIGIE_BROKER_ADMIN_PORT:-9400}
ingest_admin=127.0.0.1:${VIGIE_INGEST_ADMIN_PORT:-9401}
motion_admin=127.0.0.1:${VIGIE_MOTION_ADMIN_PORT:-9402}
inference_admin=127.0.0.1:${VIGIE_INFERENCE_ADMIN_PORT:-9403}
event_manager_admin=127.0.0.1:${VIGIE_EVENT_MANAGER_ADMIN_PORT:-9406}
event_manager_http=127.0.0.1:${VIGIE_HTTP_PORT:-8080}

step() { printf '\n\033[1m[%s] %s\033[0m\n' "$1" "$2"; }
fail() { printf '\nup.sh: %s\n' "$*" >&2; exit 1; }

children=()
# Stops the children in the reverse order of their start, each waited for: the
# services first, while the broker still runs to take their last commits and
# messages, then the camera and the broker.
cleanup() {
  trap - INT TERM EXIT
  printf '\nStopping Vigie...\n'
  local i
  for ((i = ${#children[@]} - 1; i >= 0; i--)); do
    kill -TERM "${children[i]}" 2>/dev/null || true
    wait "${children[i]}" 2>/dev/null || true
  done
  "$root/deploy/local/postgres.sh" stop "$pg_dir" >/dev/null 2>&1 || true
  rm -f "$run_dir/local.json"
  printf 'Stopped: no Vigie process is left running.\n'
}

# start NAME LOGFILE COMMAND...: a child whose output goes to its log file, in a
# session of its own so that Ctrl-C reaches only this script, which then stops
# everything in order.
start() {
  local name=$1 log=$2
  shift 2
  setsid "$@" >>"$log" 2>&1 </dev/null &
  children+=("$!")
  printf '  started %-20s pid %-7s log %s\n' "$name" "$!" "$log"
}

wait_for_file() {
  local file=$1 what=$2 log=$3
  for _ in $(seq 1 150); do
    [[ -s $file ]] && return 0
    sleep 0.2
  done
  tail -n 20 "$log" >&2 || true
  fail "$what did not start (log: $log)"
}

step 1/5 "Installing the Debian packages Vigie needs (only what is missing)"
"$root/deploy/install-deps.sh"

step 2/5 "Building the services and the demo camera server ($build)"
# The demo camera's RTSP server is the tests' fixture: tests stay configured.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DVIGIE_TESTS=ON -DVIGIE_BENCH=OFF >/dev/null
cmake --build "$build" --target vigie-broker vigie-ingest vigie-motion vigie-inference vigie-event-manager vigie-rtsp-server \
  vigie-web

step 3/5 "Preparing the demo video (Debian's opencv-doc vtest.avi as H.264)"
mkdir -p "$run_dir/logs" "$run_dir/media"
"$root/tests/fixtures/media/prepare-video.sh" "$run_dir/media"

step 4/5 "Starting the embedded broker, PostgreSQL, the demo camera and the services"
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap cleanup EXIT
rm -f "$run_dir/bootstrap" "$run_dir/rtsp.port"

start vigie-broker "$run_dir/logs/vigie-broker.log" env \
  VIGIE_ADMIN_ADDR="$broker_admin" VIGIE_BROKER_BOOTSTRAP_FILE="$run_dir/bootstrap" \
  "$build/bin/vigie-broker"
wait_for_file "$run_dir/bootstrap" "the embedded broker" "$run_dir/logs/vigie-broker.log"
bootstrap=$(<"$run_dir/bootstrap")

database=$(VIGIE_PG_OWNER_PID=$$ "$root/deploy/local/postgres.sh" start "$pg_dir") ||
  fail "PostgreSQL did not start (see the message above)"
printf '  started %-20s %s\n' "postgresql" "$database"

start demo-camera "$run_dir/logs/demo-camera.log" \
  "$build/bin/vigie-rtsp-server" --port "$rtsp_port" --file "$run_dir/media/vtest.ts" \
  --path /vtest --port-file "$run_dir/rtsp.port"
wait_for_file "$run_dir/rtsp.port" "the demo camera" "$run_dir/logs/demo-camera.log"
camera_url="rtsp://127.0.0.1:$(<"$run_dir/rtsp.port")/vtest"

# The key that seals cameras' credentials, made once per machine and kept with the
# local run's data (readable by this user only).
fernet_key_file=${VIGIE_FERNET_KEY_FILE:-$(dirname "$pg_dir")/fernet.key}
if [[ ! -s $fernet_key_file ]]; then
  (umask 077 && head -c 32 /dev/urandom | base64 | tr '+/' '-_' >"$fernet_key_file")
fi
fernet_key=$(<"$fernet_key_file")

# The first start writes user admin's generated password there (mode 0600); it
# stays with the local run's data, as the database does.
admin_password_file=$(dirname "$pg_dir")/admin-password.txt
rm -f "$run_dir/http.url"
start vigie-event-manager "$run_dir/logs/vigie-event-manager.log" env \
  VIGIE_KAFKA_BOOTSTRAP="$bootstrap" VIGIE_ADMIN_ADDR="$event_manager_admin" \
  VIGIE_DATABASE_URL="$database" VIGIE_FERNET_KEY="$fernet_key" \
  VIGIE_HTTP_ADDR="$event_manager_http" VIGIE_HTTP_URL_FILE="$run_dir/http.url" VIGIE_WEB_DIR="$build/web" \
  VIGIE_FIRST_ADMIN_PASSWORD_FILE="$admin_password_file" VIGIE_INGEST_ADMIN_URLS="http://$ingest_admin" \
  "$build/bin/vigie-event-manager"
wait_for_file "$run_dir/http.url" "the event manager" "$run_dir/logs/vigie-event-manager.log"
api=$(<"$run_dir/http.url")

start vigie-ingest "$run_dir/logs/vigie-ingest.log" env \
  VIGIE_KAFKA_BOOTSTRAP="$bootstrap" VIGIE_ADMIN_ADDR="$ingest_admin" VIGIE_FERNET_KEY="$fernet_key" \
  "$build/bin/vigie-ingest"

start vigie-motion "$run_dir/logs/vigie-motion.log" env \
  VIGIE_KAFKA_BOOTSTRAP="$bootstrap" VIGIE_ADMIN_ADDR="$motion_admin" \
  "$build/bin/vigie-motion"

start vigie-inference "$run_dir/logs/vigie-inference.log" env \
  VIGIE_KAFKA_BOOTSTRAP="$bootstrap" VIGIE_ADMIN_ADDR="$inference_admin" \
  "$build/bin/vigie-inference"

# The demo camera and a people analysis are registered through the REST API, as
# an operator would, with the first admin's account. A camera that exists is
# brought up to date; once the admin's password was changed (the file no longer
# opens the account) the demo is left as it is.
api_call() {  # METHOD PATH [BODY]: prints the HTTP status, the answer goes to $run_dir/api.out
  curl -sS -o "$run_dir/api.out" -w '%{http_code}' -X "$1" -H 'Content-Type: application/json' \
    ${token:+-H "Authorization: Bearer $token"} ${3:+--data "$3"} "$api$2"
}
token=
admin_password=$(cat "$admin_password_file" 2>/dev/null || true)
login=$(printf '{"username":"admin","password":"%s"}' "$admin_password")
if [[ -n $admin_password && $(api_call POST /api/auth/login "$login") == 200 ]]; then
  token=$(/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' <"$run_dir/api.out")
  api_call POST /api/analyses '{"name": "people", "type": "police", "detector": "opencv-dnn:centernet-coco",
    "labels": ["person"], "min_score": 0.4, "positives_needed": 5, "window_ms": 10000, "fps": 1,
    "perimeter_m": 60, "actions": ["Look at the live view", "Send a patrol if someone is on the square at night"]}' \
    >/dev/null
  demo_camera=$(printf '{"id": "demo-vtest", "name": "Demo: pedestrians (vtest.avi)",
    "analysis_stream": {"kind": "rtsp", "url": "%s"}, "latitude": 48.8566, "longitude": 2.3522,
    "frames": {"fps": 5, "width": 640}, "analyses": ["people"]}' "$camera_url")
  status=$(api_call POST /api/cameras "$demo_camera")
  if [[ $status == 409 ]]; then status=$(api_call PUT /api/cameras/demo-vtest "$demo_camera"); fi
  [[ $status == 200 || $status == 201 ]] || fail "the demo camera was refused ($status): $(<"$run_dir/api.out")"
else
  printf '  (the demo camera was registered on an earlier run: the first admin password no longer opens the account)\n'
fi

cat >"$run_dir/local.json" <<JSON
{
  "kafka_bootstrap": "$bootstrap",
  "database": "$database",
  "web": "$api",
  "cameras": [{"id": "demo-vtest", "url": "$camera_url"}],
  "services": {"vigie-broker": "http://$broker_admin", "vigie-ingest": "http://$ingest_admin",
               "vigie-motion": "http://$motion_admin",
               "vigie-inference": "http://$inference_admin",
               "vigie-event-manager": "http://$event_manager_admin"}
}
JSON

admin_line="user admin (its password was changed since the first start)"
if [[ -n $token ]]; then admin_line="user admin, password: $admin_password"; fi

step 5/5 "Vigie is running"
cat <<TXT
  Web interface       $api
  First admin         $admin_line
  REST API            $api/api  (docs/openapi.yaml)
  Kafka bootstrap     $bootstrap   (embedded broker: in memory only)
  PostgreSQL          $database
  Demo camera         $camera_url
  Admin endpoints     vigie-broker  http://$broker_admin  (/healthz /readyz /metrics)
                      vigie-ingest  http://$ingest_admin
                      vigie-motion  http://$motion_admin
                      vigie-inference  http://$inference_admin  (+ POST /models/opencv-dnn/centernet-coco)
                      vigie-event-manager  http://$event_manager_admin
  Logs                $run_dir/logs/
  Machine-readable    $run_dir/local.json

  Read a topic (the newest camera status, the newest motion event, decoded):
    kcat -C -b $bootstrap -t vigie.status -o -1 -c 1 -e -D '' -q | protoc --decode vigie.v1.CameraStatus -I $root/proto $root/proto/vigie/v1/status.proto
    kcat -C -b $bootstrap -t vigie.motion -o -1 -c 1 -e -D '' -q | protoc --decode vigie.v1.MotionEvent -I $root/proto $root/proto/vigie/v1/motion.proto | grep -v frame_jpeg
Press Ctrl-C to stop everything.
TXT

# Any child dying is an error worth stopping for: a half-running suite misleads.
while true; do
  for pid in "${children[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      fail "a process (pid $pid) stopped unexpectedly; see $run_dir/logs/"
    fi
  done
  sleep 1
done
