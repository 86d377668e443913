#!/usr/bin/env bash
# Exact k-NN, Java kernel vs libtorch kernel (100,000 x 128, 2,000 queries), and t-SNE Barnes-Hut vs
# FFT-accelerated interpolation on the bundled model's relu3 features of the 10,000 Fashion-MNIST test
# images (see netviz.bench.TsneFftBench). Pass --full to add the FFT t-SNE of all 70,000 images.
# Prints key=value lines (also into target/bench-tsne-fft/out.txt).
# Usage: scripts/bench-tsne-fft.sh [TsneFftBench arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=target/bench-tsne-fft
mkdir -p "$DIR"
mvn -o -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
    -Dmdep.includeScope=test >/dev/null
java -Xss8m -Xmx8g -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error -Dai.djl.pytorch.graph_optimizer=false \
    -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" netviz.bench.TsneFftBench "$@" \
    | tee "$DIR/out.txt"
