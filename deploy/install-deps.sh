#!/usr/bin/env bash
# Installs every Debian package that Vigie's build, tests and local run need.
# Idempotent: packages already present are left alone, apt is only called when
# something is missing. Run as root (or with sudo available).
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git ca-certificates
  # libraries the code links against
  librdkafka-dev libprotobuf-dev protobuf-compiler libboost1.81-dev
  libpqxx-dev libssl-dev libcurl4-openssl-dev nlohmann-json3-dev
  prometheus-cpp-dev libopencv-dev libturbojpeg0-dev
  libavformat-dev libavcodec-dev libavdevice-dev libswscale-dev libavutil-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libgstrtspserver-1.0-dev
  libgtest-dev libgmock-dev zlib1g-dev
  # servers and tools the tests and the local run start
  postgresql kcat prometheus ffmpeg opencv-doc procps curl util-linux
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav
  # the web interface: Node.js builds it, chromium runs its browser tests
  nodejs chromium
  # inference: OpenCV's cascades, and what converts the default model to ONNX
  opencv-data python3-onnx python3-numpy
)
# Debian's npm; a Node.js from elsewhere (NodeSource) ships its own and conflicts with it.
if ! command -v npm >/dev/null 2>&1; then packages+=(npm); fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

# The test and demo video ships in opencv-doc under /usr/share/doc, which slim
# images (debian:bookworm-slim) tell dpkg to skip: keep that one folder.
video=/usr/share/doc/opencv-doc/examples/data/vtest.avi
dpkg_keep=/etc/dpkg/dpkg.cfg.d/vigie-test-video
if [ -d /etc/dpkg/dpkg.cfg.d ] && grep -qs '^path-exclude=/usr/share/doc' /etc/dpkg/dpkg.cfg.d/* &&
  [ ! -f "$dpkg_keep" ]; then
  echo "path-include=/usr/share/doc/opencv-doc/examples/data/*" | "${sudo_cmd[@]}" tee "$dpkg_keep" >/dev/null
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

# Installed before the path-include rule existed: the video was skipped.
if dpkg-query -W -f='${Status}' opencv-doc 2>/dev/null | grep -q '^install ok installed$' && [ ! -f "$video" ]; then
  "${sudo_cmd[@]}" apt-get install -y -qq --reinstall opencv-doc
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install: all ${#packages[@]} Debian packages already installed"
else
  echo "install: installing ${#missing[@]} Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
  echo "install: done"
fi

# The web interface's npm packages, exactly as web/package-lock.json pins them
# (npm ci), without install scripts: nothing runs or downloads beyond the
# registry's packages. Skipped while node_modules matches the lockfile (and when
# this script was copied alone, without web/).
web=$(dirname "${BASH_SOURCE[0]}")/../web
if [ -f "$web/package-lock.json" ]; then
  lock_sum=$(sha256sum "$web/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$web/node_modules/.vigie-lock-sha256" 2>/dev/null)" = "$lock_sum" ]; then
    echo "install: web/node_modules matches web/package-lock.json"
  else
    echo "install: npm ci in web/"
    (cd "$web" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    echo "$lock_sum" >"$web/node_modules/.vigie-lock-sha256"
  fi
fi

# The inference models (and ONNX Runtime) by name from the npm registry, pinned
# and hash-checked, into a cache outside git; kept when already there. (Absent
# when this script was copied alone, as the Docker build does.)
fetch_models=$(dirname "${BASH_SOURCE[0]}")/models/fetch-models.sh
if [ -x "$fetch_models" ]; then "$fetch_models"; fi
