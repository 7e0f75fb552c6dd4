#!/usr/bin/env bash
# Fetches the inference service's models and ONNX Runtime by name from the npm
# registry, pinned to a version and checked against the registry's sha512, and
# keeps only what Vigie uses in a cache directory outside git:
#
#   $VIGIE_CACHE_DIR/models/centernet-coco.onnx    COCO CenterNet of @vladmandic/human,
#                                                   converted once from TensorFlow.js
#   $VIGIE_CACHE_DIR/models/centernet-coco.labels  its 80 class names, one a line
#   $VIGIE_CACHE_DIR/onnxruntime-VERSION/          libonnxruntime.so and its C/C++ headers
#
# VIGIE_CACHE_DIR defaults to /var/cache/vigie for root, ~/.cache/vigie otherwise
# (the build looks in the same place). Idempotent: what is there with the right
# hash is kept. VIGIE_FETCH_ONNXRUNTIME=0 skips ONNX Runtime (a 150 MB package).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ -n ${VIGIE_CACHE_DIR:-} ]]; then
  cache=$VIGIE_CACHE_DIR
elif [[ $(id -u) -eq 0 ]]; then
  cache=/var/cache/vigie
else
  cache=${XDG_CACHE_HOME:-$HOME/.cache}/vigie
fi
models=$cache/models

human_package=@vladmandic/human
human_version=3.3.6
human_integrity=sha512-Nr5mPfq1gQ+uKeXY5uM3Fj8UxvF5CEh2s6txM5wRThqaW0mF9huooOuZSrT8hhGho0hGaXLFdAwfD/2+teCv6A==
ort_package=com.github.asus4.onnxruntime
ort_package_version=0.4.9
ort_version=1.29.0
ort_integrity=sha512-BkzxduSZ9IkeDP6Q8lz2TFU2ie7hSSvS7ZIfzMooExoq0CNzJnuuGaUJ7IsojBgqO4ouD1jXah8OYyJbCN29Fg==

fail() { printf 'fetch-models: %s\n' "$*" >&2; exit 1; }
command -v npm >/dev/null || fail "npm is needed (Debian package npm, or Node.js's own)"
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import onnx, numpy' 2>/dev/null ||
  fail "Debian's python3-onnx and python3-numpy are needed to convert the CenterNet model"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$models"

# fetch NAME VERSION INTEGRITY: the package's tarball in $work, checked.
fetch() {
  local name=$1 version=$2 integrity=$3 tarball actual
  tarball=$(cd "$work" && npm pack --silent "$name@$version" 2>/dev/null | tail -n 1)
  [[ -f $work/$tarball ]] || fail "npm pack $name@$version gave no tarball"
  actual=sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | base64 -w 0)
  [[ $actual == "$integrity" ]] || fail "$name@$version: sha512 $actual differs from the pinned $integrity"
  printf '%s\n' "$work/$tarball"
}

# The stamp records what produced a directory's content: same stamp, nothing to do.
stamp_ok() { [[ -f $1 && $(<"$1") == "$2" ]]; }

centernet_stamp="$human_package@$human_version $human_integrity converter $(sha256sum "$here/tfjs_graph_to_onnx.py" | cut -c1-16)"
if stamp_ok "$models/centernet-coco.stamp" "$centernet_stamp" && [[ -f $models/centernet-coco.onnx ]]; then
  echo "fetch-models: centernet-coco already in $models"
else
  echo "fetch-models: $human_package@$human_version -> $models/centernet-coco.onnx"
  tarball=$(fetch "$human_package" "$human_version" "$human_integrity")
  tar -xzf "$tarball" -C "$work" package/models/centernet.json package/models/centernet.bin \
    package/src/object/labels.ts package/LICENSE
  /usr/bin/python3 "$here/tfjs_graph_to_onnx.py" "$work/package/models/centernet.json" \
    "$models/centernet-coco.onnx" --output-node tower_0/keypoints --output-node tower_0/wh \
    --doc "COCO CenterNet (MobileNetV3) of $human_package@$human_version (MIT), converted by Vigie"
  # The class names, in the order of the model's 80 outputs.
  sed -n "s/.*label: '\([^']*\)'.*/\1/p" "$work/package/src/object/labels.ts" >"$models/centernet-coco.labels"
  [[ $(wc -l <"$models/centernet-coco.labels") -eq 80 ]] || fail "expected 80 COCO labels in $human_package"
  cp "$work/package/LICENSE" "$models/centernet-coco.LICENSE"
  printf '%s\n' "$centernet_stamp" >"$models/centernet-coco.stamp"
fi

ort_dir=$cache/onnxruntime-$ort_version
if [[ ${VIGIE_FETCH_ONNXRUNTIME:-1} == 0 ]]; then
  echo "fetch-models: ONNX Runtime skipped (VIGIE_FETCH_ONNXRUNTIME=0)"
elif stamp_ok "$ort_dir/stamp" "$ort_package@$ort_package_version $ort_integrity"; then
  echo "fetch-models: ONNX Runtime $ort_version already in $ort_dir"
else
  echo "fetch-models: $ort_package@$ort_package_version (ONNX Runtime $ort_version) -> $ort_dir"
  tarball=$(fetch "$ort_package" "$ort_package_version" "$ort_integrity")
  # The Linux library, and the C/C++ headers (the same on every platform; the
  # package carries them in its Apple framework).
  headers='package/Plugins/iOS~/onnxruntime.xcframework/ios-arm64_x86_64-simulator/onnxruntime.framework/Headers'
  tar -xzf "$tarball" -C "$work" package/Plugins/Linux/x64/libonnxruntime.so \
    package/Plugins/Linux/x64/libonnxruntime_providers_shared.so "$headers" package/LICENSE \
    package/ThirdPartyNotices.txt
  rm -rf "$ort_dir.new"
  mkdir -p "$ort_dir.new/lib" "$ort_dir.new/include"
  cp "$work"/package/Plugins/Linux/x64/*.so "$ort_dir.new/lib/"
  ln -s libonnxruntime.so "$ort_dir.new/lib/libonnxruntime.so.1"
  cp "$work/$headers"/*.h "$ort_dir.new/include/"
  cp "$work/package/LICENSE" "$work/package/ThirdPartyNotices.txt" "$ort_dir.new/"
  printf '%s\n' "$ort_package@$ort_package_version $ort_integrity" >"$ort_dir.new/stamp"
  rm -rf "$ort_dir"
  mv "$ort_dir.new" "$ort_dir"
fi
