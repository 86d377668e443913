#!/usr/bin/env bash
# A benchmark (see netviz.bench.AttributionBench): occlusion batched vs one image per
# pass, saliency and guided backprop vs one forward pass, on a ResNet-18 shape at 224x224.
# Replaces the "Attribution" section of BENCHMARKS.md.
# Usage: scripts/bench-attribution.sh [--runs N] [--occlusion-runs N] [--batch B] [--out FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -o -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
    -Dmdep.includeScope=test >/dev/null
exec java -Xss8m -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error -Dai.djl.pytorch.graph_optimizer=false \
    -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" netviz.bench.AttributionBench "$@"
