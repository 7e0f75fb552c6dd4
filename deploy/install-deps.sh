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
)

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
  exit 0
fi

echo "install: installing ${#missing[@]} Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install: done"
