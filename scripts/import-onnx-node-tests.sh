#!/usr/bin/env bash
# Copies the official ONNX backend node tests for the given case-name patterns from Debian's
# libonnx-testdata (Apache-2.0) into src/test/resources/onnx-node, so the tests need no system package.
#   scripts/import-onnx-node-tests.sh 'test_conv*' 'test_relu'
set -euo pipefail
src=/usr/share/libonnx-testdata/data/node
dst="$(cd "$(dirname "$0")/.." && pwd)/src/test/resources/onnx-node"
[ -d "$src" ] || { echo "install Debian's libonnx-testdata first (apt-get install libonnx-testdata)" >&2; exit 2; }
mkdir -p "$dst"
n=0
for pat in "$@"; do
  for d in "$src"/$pat; do
    [ -f "$d/model.onnx" ] || continue
    rm -rf "$dst/$(basename "$d")"
    mkdir -p "$dst/$(basename "$d")"
    cp "$d/model.onnx" "$dst/$(basename "$d")/"
    cp -r "$d/test_data_set_0" "$dst/$(basename "$d")/"
    n=$((n+1))
  done
done
echo "copied $n cases into $dst"
