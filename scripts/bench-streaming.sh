#!/usr/bin/env bash
# Peak resident memory of `netviz saliency` over folders of 50 and 500 images: the
# attribution commands stream a folder in chunks, so the two peaks should agree within 20 %.
#   scripts/bench-streaming.sh [COUNTS…]      (default: 50 500; needs /usr/bin/time and python3)
set -euo pipefail
cd "$(dirname "$0")/.."
counts=("${@:-50}")
[ $# -gt 0 ] || counts=(50 500)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for n in "${counts[@]}"; do
  python3 - "$work/img$n" "$n" <<'PY'
import os, random, struct, sys, zlib
d, n = sys.argv[1], int(sys.argv[2])
os.makedirs(d)
rnd = random.Random(15)
def chunk(t, b):
    return struct.pack('>I', len(b)) + t + b + struct.pack('>I', zlib.crc32(t + b) & 0xffffffff)
for i in range(n):
    raw = b''.join(b'\x00' + bytes(rnd.randrange(256) for _ in range(28)) for _ in range(28))
    with open(f'{d}/img{i:04d}.png', 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 28, 28, 8, 0, 0, 0, 0))
                + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
PY
  /usr/bin/time -v ./netviz saliency --image "$work/img$n" --out "$work/out$n/s.png" --raw "$work/out$n/s.npy" \
    >/dev/null 2>"$work/time$n"
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time$n")
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time$n")
  echo "saliency over $n images: peak RSS $((rss / 1024)) MB, wall $wall, $(ls "$work/out$n" | wc -l) files"
done
