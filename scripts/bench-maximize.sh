#!/usr/bin/env bash
# A benchmark (see netviz.bench.MaximizeBench): activation-maximization iterations
# per second vs forward+backward passes per second, on the bundled model and a ResNet-18 shape.
# Replaces the "Activation maximization" section of BENCHMARKS.md.
# Usage: scripts/bench-maximize.sh [--runs N] [--out FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -o -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
    -Dmdep.includeScope=test >/dev/null
exec java -Xss8m -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error -Dai.djl.pytorch.graph_optimizer=false \
    -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" netviz.bench.MaximizeBench "$@"
