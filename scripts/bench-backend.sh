#!/usr/bin/env bash
# A benchmark (see netviz.bench.BackendBench): the speed of each backend route
# on ResNet-18 (forward, saliency; batch 1 and 8; 2 threads) and the cost of the self-check.
# Replaces the "Backend routes" section of BENCHMARKS.md.
# Usage: scripts/bench-backend.sh [--rounds N] [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -o -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
    -Dmdep.includeScope=test >/dev/null
exec java -Xss8m -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error -Dai.djl.pytorch.graph_optimizer=false \
    -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" netviz.bench.BackendBench "$@"
