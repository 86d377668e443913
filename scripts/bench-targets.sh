#!/usr/bin/env bash
# Every target of the speed work in one run, each against a reference timed in the same run, as one
# table appended to BENCHMARKS.md (or --out FILE):
#   dataset forward scan (bundled images on ResNet-18 224x224, batch 16) vs ONNX Runtime's own time,
#   occlusion (ResNet-18, window 32, stride 16) vs the same ONNX Runtime forward passes,
#   saliency (ResNet-18, batch 1) vs one ONNX Runtime forward pass      (netviz.bench.TargetsBench),
#   exact 10-NN 100,000 x 128, 2,000 queries: ms per query,
#   t-SNE of the bundled model's relu3 features of 10,000 images vs scikit-learn (python3-sklearn),
#     trustworthiness of both                                             (netviz.bench.TsneBench),
#   t-SNE of 70,000 images (only with --tsne-70k; slow; needs the training split, see TsneFftBench),
#   ./netviz report on the bundled model: wall seconds.
# Run it on an idle machine: every row is a wall-clock time. Smaller sizes make a smoke run:
#   scripts/bench-targets.sh --scan-images 32 --runs 3 --occlusion-runs 1 --tsne-points 500 \
#       --knn-rows 10000 --knn-queries 100 --skip-report --out /tmp/bench.md
# Usage: scripts/bench-targets.sh [--scan-images N] [--runs R] [--occlusion-runs R] [--tsne-points N]
#        [--knn-rows N] [--knn-queries Q] [--tsne-70k] [--skip-report] [--out FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
SCAN=10000
RUNS=9
OCC_RUNS=2
TSNE_POINTS=10000
KNN_ROWS=100000
KNN_QUERIES=2000
FULL=0
REPORT=1
OUT=BENCHMARKS.md
while [ $# -gt 0 ]; do
    case "$1" in
        --scan-images) SCAN="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --occlusion-runs) OCC_RUNS="$2"; shift 2 ;;
        --tsne-points) TSNE_POINTS="$2"; shift 2 ;;
        --knn-rows) KNN_ROWS="$2"; shift 2 ;;
        --knn-queries) KNN_QUERIES="$2"; shift 2 ;;
        --tsne-70k) FULL=1; shift ;;
        --skip-report) REPORT=0; shift ;;
        --out) OUT="$2"; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
PY=$(command -v /usr/bin/python3 || command -v python3)
"$PY" scripts/sklearn-tsne.py --check
DIR=target/bench-targets
rm -rf "$DIR"
mkdir -p "$DIR"
START=$(date -u +%Y-%m-%dT%H:%M:%SZ)
LOAD_BEFORE=$(cat /proc/loadavg)
mvn -o -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
    -Dmdep.includeScope=test >/dev/null
run_java() {
    java -Xss8m -Xmx8g -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
        -Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error -Dai.djl.pytorch.graph_optimizer=false \
        -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" "$@"
}
run_java netviz.bench.TargetsBench --scan-images "$SCAN" --runs "$RUNS" --occlusion-runs "$OCC_RUNS" \
    --dir "$DIR" | tee "$DIR/targets.txt"
run_java netviz.bench.TsneBench --limit "$TSNE_POINTS" --knn-rows "$KNN_ROWS" --knn-queries "$KNN_QUERIES" \
    --out "$DIR" | tee "$DIR/netviz.txt"
"$PY" scripts/sklearn-tsne.py "$DIR" | tee "$DIR/sklearn.txt"
if [ "$FULL" = 1 ]; then
    run_java netviz.bench.TsneFftBench --skip-knn --skip-tsne --full | tee "$DIR/full.txt"
fi
if [ "$REPORT" = 1 ]; then
    ./netviz --version >/dev/null    # compiles the launcher's classes first, outside the timing
    t0=$(date +%s.%N)
    ./netviz report --out "$DIR/report" > "$DIR/report.log" 2>&1
    t1=$(date +%s.%N)
    echo "report_seconds=$(echo "$t1 - $t0" | bc)" | tee "$DIR/report.txt"
    grep -o "Time per section[^<]*" "$DIR/report/index.html" | sed 's/^/report_sections=/' | tee -a "$DIR/report.txt"
fi
"$PY" - "$DIR" "$OUT" "$START" "$LOAD_BEFORE" <<'PYEOF'
import sys, os, datetime
d, out, start, load_before = sys.argv[1:5]
kv = {}
for f in ("targets.txt", "netviz.txt", "sklearn.txt", "full.txt", "report.txt"):
    p = os.path.join(d, f)
    if os.path.exists(p):
        for line in open(p):
            if "=" in line:
                k, v = line.strip().split("=", 1)
                kv.setdefault(k, v)
load_after = open("/proc/loadavg").read().strip()
n, s = float(kv["netviz_tsne_seconds"]), float(kv["sklearn_tsne_seconds"])
rows = [
    ("dataset forward scan (%s bundled images upsampled to ResNet-18 224², batch %s)" % (f"{int(kv['scan_images']):,}", kv["scan_batch"]),
     "netviz %s s, ONNX Runtime %s s" % (kv["scan_netviz_seconds"], kv["scan_ort_seconds"]),
     "**%s×** ONNX Runtime (logits agree to %s)" % (kv["scan_ratio"], kv["scan_logits_rel_error"])),
    ("occlusion ResNet-18, window 32, stride 16 (%s positions, batch %s)" % (kv["occlusion_positions"], kv["scan_batch"]),
     "%s ms vs %s ms" % (kv["occlusion_ms"], kv["occlusion_ort_ms"]),
     "**%s×** the same ONNX Runtime forward passes" % kv["occlusion_ratio"]),
    ("saliency ResNet-18, batch 1 (forward + backward; gradients on %s)" % kv["saliency_runtime"],
     "%s ms vs %s ms" % (kv["saliency_ms"], kv["saliency_ort_forward_ms"]),
     "**%s×** one ONNX Runtime forward (target ≤ 3×; agrees with the interpreter to %s)" % (kv["saliency_ratio"],
                                                                                        kv["saliency_rel_error"])),
    ("the same saliency on the libtorch interpreter", "%s ms" % kv["saliency_interpreter_ms"],
     "%s× one ONNX Runtime forward" % kv["saliency_interpreter_ratio"]),
    ("the same saliency of the predicted class", "%s ms" % kv["saliency_predicted_ms"],
     "%s× one ONNX Runtime forward" % kv["saliency_predicted_ratio"]),
    ("the same gradient node by node (no Conv→BatchNormalization folding; the reference of before)",
     "%s ms" % kv["saliency_unfolded_ms"], "%s× one ONNX Runtime forward" % kv["saliency_unfolded_ratio"]),
    ("exact 10-NN, %s × 128, %s queries" % (f"{int(kv['knn_database']):,}", f"{int(kv['knn_queries']):,}"),
     "%s s" % kv["knn_seconds"], "**%s ms** per query" % kv["knn_ms_per_query"]),
    ("t-SNE of %s points (relu3 of the bundled model)" % f"{int(kv['rows']):,}",
     "netviz %.1f s, scikit-learn %s %.1f s" % (n, kv["sklearn_version"], s),
     "**%.2f×** scikit-learn; trustworthiness %s vs %s" % (n / s, kv["netviz_trustworthiness"], kv["sklearn_trustworthiness"])),
]
if "full_seconds" in kv:
    rows.append(("t-SNE of %s points (%s)" % (f"{int(kv['full_rows']):,}", kv["full_method"]), "%s s" % kv["full_seconds"],
                 "KL %s, 10-NN class accuracy %s (target ≤ 180 s)" % (kv["full_kl"], kv["full_knn10_accuracy"])))
if "report_seconds" in kv:
    rows.append(("`./netviz report` on the bundled model (wall, JVM start included)", "%.1f s" % float(kv["report_seconds"]),
                 "target ≤ 30 s"))
end = datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
text = "\n## Targets\n\nMeasured by `scripts/bench-targets.sh` in one run, %s to %s (`netviz.bench.TargetsBench`, `TsneBench`, " % (start, end)
text += ("scikit-learn through `scripts/sklearn-tsne.py`). ResNet-18 = `ModelZoo.resnet18` (v1, full width, random weights), "
         "opened as a session from an ONNX file: forward passes through `Session.forward()` (runtime: %s), gradients through "
         "`Session.gradients()`; ONNX Runtime at ALL_OPT with the same %s threads. The scan alternates the two runtimes batch by "
         "batch; saliency and occlusion are medians of %s and %s interleaved rounds.\n\n" % (kv["runtime"], kv["threads"],
         kv["saliency_runs"], kv["occlusion_runs"]))
text += "| task | time | ratio |\n|---|---|---|\n"
for r in rows:
    text += "| %s | %s | %s |\n" % r
if "report_sections" in kv:
    text += "\nReport sections: %s\n" % kv["report_sections"].replace("Time per section: ", "")
text += "\nMachine: %s cores; load average %s before, %s after.\n" % (kv["cores"], " ".join(load_before.split()[:3]),
         " ".join(load_after.split()[:3]))
with open(out, "a") as f:
    f.write(text)
print(text)
PYEOF
