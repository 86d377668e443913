#!/usr/bin/env bash
# A benchmark (see netviz.bench.ForwardBench): ResNet-18 shape at 224x224, batch 1
# and 8, netviz forward vs ONNX Runtime and netviz forward+backward vs forward. Writes BENCHMARKS.md.
# Usage: scripts/bench.sh [--runs N] [--warmup N] [--threads 2[,1]] [--out FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -o -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
    -Dmdep.includeScope=test >/dev/null
exec java -Xss8m -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error -Dai.djl.pytorch.graph_optimizer=false \
    -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" netviz.bench.ForwardBench "$@"
