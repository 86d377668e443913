#!/usr/bin/env bash
# Time per image of DGN-AM (netviz dgn) with pixel-space activation maximization measured in the
# same runs as the reference: all 10 classes of the bundled model as one batch, 200 steps each,
# repeated R times (each run times its two loops inside one process, after loading). Prints a
# markdown table for BENCHMARKS.md ("DGN-AM") with the load averages before and after.
# Usage: scripts/bench-dgn.sh [RUNS]   (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
start="$(date -u +%FT%TZ)"
./netviz dgn --target all --iterations 200 --am-iterations 200 --no-progress --out "$out/warm" >/dev/null
echo "| run | DGN-AM ms / image (200 steps) | pixel AM ms / image (200 steps) | ratio | lowest DGN probability |"
echo "|---|---|---|---|---|"
for r in $(seq 1 "$runs"); do
  text="$(./netviz dgn --target all --iterations 200 --am-iterations 200 --no-progress --seed "$r" --out "$out/run$r")"
  line="$(grep 'time per image' <<<"$text")"
  dgn="$(sed -E 's/.*DGN-AM ([0-9]+) ms.*/\1/' <<<"$line")"
  am="$(sed -E 's/.*pixel AM ([0-9]+) ms.*/\1/' <<<"$line")"
  pmin="$(grep -oE 'DGN logit [^ ]+ p [0-9.]+' <<<"$text" | awk '{print $5}' | sort -g | head -1)"
  echo "| $r | $dgn | $am | $(awk -v a="$dgn" -v b="$am" 'BEGIN{printf "%.2f", a/b}') | $pmin |"
done
echo
echo "Machine: $(nproc) cores visible; load average before ${load_before}, after $(cut -d' ' -f1-3 /proc/loadavg); started ${start}."
