#!/usr/bin/env bash
# cuvk-bench on the GPU machine (from the project root, after .gl/on-gpu.sh): first the GPU tests of what the bench
# measures (staging produced ahead, every backend equal to the CPU reference for N = 1..8, the micro-benchmarks and
# the floor ring, the bench's command line), the first two of them once more under compute-sanitizer memcheck; then
# the bench itself into $OUT/bench (bench.json, bench.md, plots). Logs go to $OUT; each step runs even if one before
# it failed. BENCH_ARGS adds cuvk-bench options; BENCH_SECONDS bounds the bench (it writes what ran when stopped).
set -u
b=build-gpu/cuvk-bench
cs=/usr/local/cuda/bin/compute-sanitizer
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
(cd build-gpu && timeout 200 ctest --output-on-failure -j2 \
  -R "InteropAndStaging|StagingProducesAhead|MicroBench|Bench.CommandLine" > "$OUT/ctest.log" 2>&1; echo "ctest rc=$?")
grep -E "tests passed|\*\*\*Failed|Timeout|Not Run|Skipped" "$OUT/ctest.log" | head -20
timeout 120 $cs --tool memcheck --error-exitcode 9 build-gpu/tests/engine_gpu_tests \
  --gtest_filter='*StagingProducesAhead*/fill:MicroBenchGpu.TheFloor*' > "$OUT/memcheck.log" 2>&1
echo "memcheck rc=$?"; grep -E "ERROR SUMMARY|PASSED|FAILED" "$OUT/memcheck.log" | tail -3
timeout -s TERM "${BENCH_SECONDS:-400}" $b --out "$OUT/bench" ${BENCH_ARGS:-} > "$OUT/bench.log" 2> "$OUT/bench-progress.log"
echo "bench rc=$?"; tail -4 "$OUT/bench-progress.log"
