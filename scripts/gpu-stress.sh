#!/usr/bin/env bash
# cuvk-stress on the GPU machine (from the project root, after .gl/on-gpu.sh): the GPU tests of the stress tool with
# the validation layer on, its command-line test (clean quick run, a dropped wait caught, a withheld signal ending in
# exit 3), a quick run with synchronization validation, and one under each compute-sanitizer tool (a missing tool is
# a failure). Logs go to $OUT; each step runs even if one before it failed.
#   MINUTES=10 bash scripts/gpu-stress.sh     # instead: the qualification run (every part; the schedules get what
#                                             # remains of MINUTES after about 55 s of the other parts), report in $OUT
set -u
s=build-gpu/cuvk-stress
cs=/usr/local/cuda/bin/compute-sanitizer
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
if [ -n "${MINUTES:-}" ]; then
  timeout $((MINUTES * 60 + 20)) $s --duration $((MINUTES * 60 - 55)) --injection-stride 4 --seed "${SEED:-20261203}" \
    --report "$OUT/stress-${MINUTES}min.json" > "$OUT/stress-${MINUTES}min.log" 2>&1
  echo "stress ${MINUTES} min rc=$?"; tail -3 "$OUT/stress-${MINUTES}min.log"
  exit 0
fi
(cd build-gpu && timeout 300 ctest --output-on-failure -j2 -L "gpu|render|interop|engine" -LE "install|boundaries|viewer" \
  > "$OUT/ctest.log" 2>&1; echo "ctest rc=$?")
grep -E "tests passed|\*\*\*Failed|Timeout|Not Run|SKIPPED" "$OUT/ctest.log" | head -20
timeout 400 python3 tests/apps/stress_cli_test.py $s /tmp/stress-cli > "$OUT/stress-cli.log" 2>&1
echo "stress cli rc=$?"; tail -4 "$OUT/stress-cli.log"
timeout 300 $s --quick --validation --seed 99 --report "$OUT/quick-validation.json" > "$OUT/quick-validation.log" 2>&1
echo "quick with validation rc=$?"; tail -2 "$OUT/quick-validation.log"
[ -x $cs ] || { echo "compute-sanitizer missing: FAILED"; exit 1; }
for tool in memcheck racecheck synccheck; do
  timeout 300 $cs --tool $tool --error-exitcode 9 $s --only stress --quick --seed 5 --hang-timeout 200 \
    > "$OUT/sanitizer-$tool.log" 2>&1
  echo "$tool rc=$?"; grep -E "ERROR SUMMARY|cuvk-stress: seed 5:" "$OUT/sanitizer-$tool.log" | tail -2
done
