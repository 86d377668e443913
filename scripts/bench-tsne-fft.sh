#!/usr/bin/env bash
# t-SNE of the bundled model's relu3 features of the 10,000 Fashion-MNIST test images with netviz
# (Barnes-Hut, FFT-accelerated interpolation, and Tsne.Method.AUTO's choice) and with scikit-learn's
# Barnes-Hut TSNE on the same features (Debian's python3-sklearn; /usr/bin/python3): wall time and
# trustworthiness (k = 10) of each, and the ratio netviz AUTO / scikit-learn. Also exact k-NN, Java
# kernel vs libtorch kernel vs ONNX Runtime kernel (100,000 x 128, 2,000 queries) unless --skip-knn. Pass --full to add the
# t-SNE of all 70,000 images (train + t10k). Prints key=value lines (also into target/bench-tsne-fft/out.txt).
# Usage: scripts/bench-tsne-fft.sh [--skip-sklearn] [TsneFftBench arguments, e.g. --full --skip-knn --methods AUTO]
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=target/bench-tsne-fft
mkdir -p "$DIR"
SKLEARN=1
ARGS=()
for a in "$@"; do
    if [ "$a" = "--skip-sklearn" ]; then SKLEARN=0; else ARGS+=("$a"); fi
done
echo "uptime_before=$(uptime)"
mvn -o -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
    -Dmdep.includeScope=test >/dev/null
java -Xss8m -Xmx8g -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error -Dai.djl.pytorch.graph_optimizer=false \
    -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" netviz.bench.TsneFftBench \
    --out "$DIR" ${ARGS[@]+"${ARGS[@]}"} | tee "$DIR/out.txt"
[ "$SKLEARN" = 1 ] && [ -f "$DIR/netviz-embedding.npy" ] || exit 0
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
"$PY" -c "import sklearn" 2>/dev/null || { echo "scikit-learn is missing: apt-get install python3-sklearn" >&2; exit 1; }
"$PY" - "$DIR" <<'PYEOF' | tee -a "$DIR/out.txt"
import os, sys, time
import numpy as np
import sklearn
from sklearn.manifold import TSNE, trustworthiness
d = sys.argv[1]
kv = dict(line.strip().split("=", 1) for line in open(os.path.join(d, "out.txt")) if "=" in line)
X = np.load(os.path.join(d, "features.npy")).astype(np.float32)
print("sklearn_version=%s" % sklearn.__version__)
print("sklearn_load_before=%s" % open("/proc/loadavg").read().strip())
t0 = time.time()
Y = TSNE(n_components=2, perplexity=30.0, early_exaggeration=12.0, learning_rate="auto", init="pca",
         method="barnes_hut", angle=0.5, random_state=0).fit_transform(X)
s = time.time() - t0
print("sklearn_seconds=%.2f" % s)
ts = trustworthiness(X, Y, n_neighbors=10)
print("sklearn_trustworthiness=%.4f" % ts)
tn = trustworthiness(X, np.load(os.path.join(d, "netviz-embedding.npy")), n_neighbors=10)
print("sklearn_checks_netviz_auto_trustworthiness=%.4f" % tn)
print("sklearn_load_after=%s" % open("/proc/loadavg").read().strip())
n = float(kv["auto_seconds"])
print("ratio_netviz_auto_over_sklearn=%.3f" % (n / s))
print("trustworthiness_difference_netviz_minus_sklearn=%+.4f" % (tn - ts))
PYEOF
echo "uptime_after=$(uptime)"
