#!/usr/bin/env bash
# A benchmark (see netviz.bench.TsneBench): t-SNE of the 10,000 Fashion-MNIST test images'
# last-hidden-layer features with netviz, then scikit-learn's Barnes-Hut TSNE on the same features
# (Debian's python3-sklearn; /usr/bin/python3), trustworthiness (k = 10) of both, and exact k-NN on
# random 100,000 x 128 features. Appends a section to BENCHMARKS.md (or --out FILE).
# Usage: scripts/bench-tsne.sh [--model M.onnx] [--limit N] [--out FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=models/fashion-mnist-cnn.onnx
LIMIT=0
OUT=BENCHMARKS.md
while [ $# -gt 0 ]; do
    case "$1" in
        --model) MODEL="$2"; shift 2 ;;
        --limit) LIMIT="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
PY=$(command -v /usr/bin/python3 || command -v python3)
"$PY" scripts/sklearn-tsne.py --check
DIR=target/bench-tsne
mkdir -p "$DIR"
mvn -o -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
    -Dmdep.includeScope=test >/dev/null
java -Xss8m -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error -Dai.djl.pytorch.graph_optimizer=false \
    -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" netviz.bench.TsneBench \
    --model "$MODEL" --limit "$LIMIT" --out "$DIR" | tee "$DIR/netviz.txt"
"$PY" scripts/sklearn-tsne.py "$DIR" | tee "$DIR/sklearn.txt"
"$PY" - "$DIR" "$OUT" <<'PYEOF'
import sys, os, datetime
d, out = sys.argv[1], sys.argv[2]
kv = {}
for f in ("netviz.txt", "sklearn.txt"):
    for line in open(os.path.join(d, f)):
        if "=" in line:
            k, v = line.strip().split("=", 1)
            kv.setdefault(k, v)
n, s = float(kv["netviz_tsne_seconds"]), float(kv["sklearn_tsne_seconds"])
text = f"""
## t-SNE and nearest neighbours

Measured {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC by `scripts/bench-tsne.sh` (one run; the machine has
{kv['cores']} cores shared with other jobs — load average before: {kv['load_before']}, so absolute times are noisy;
both programs ran back to back on the same features).

Features: {kv['features']} — {kv['rows']} × {kv['dim']}.
t-SNE: 2-D, perplexity 30, early exaggeration 12, learning rate auto, PCA init, Barnes-Hut θ = 0.5, 1000 iterations.

| | wall time (s) | trustworthiness (k = 10) |
|---|---:|---:|
| netviz `Tsne` (KL {kv['netviz_kl']}) | {n:.1f} | {kv['netviz_trustworthiness']} (sklearn's function: {kv['sklearn_checks_netviz_trustworthiness']}) |
| scikit-learn {kv['sklearn_version']} `TSNE(method="barnes_hut")` | {s:.1f} | {kv['sklearn_trustworthiness']} |

Ratio: netviz takes **{n / s:.2f}×** scikit-learn's time (lower is better). 10-NN class accuracy of the
netviz map: {kv['netviz_knn10_accuracy']}. Trustworthiness itself took {kv['trustworthiness_seconds']} s.

Exact k-NN (`NearestNeighbors`, euclidean, k = 10) on random {kv['knn_database']} × 128 features:
{kv['knn_queries']} queries in {kv['knn_seconds']} s ({kv['knn_ms_per_query']} ms per query against all rows; the full
100k-point kNN graph would take about {kv['knn_full_graph_estimate_seconds']} s at that rate).
"""
with open(out, "a") as f:
    f.write(text)
print(text)
PYEOF
