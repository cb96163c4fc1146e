#!/usr/bin/env bash
# The bench's gl backend on the GPU machine (from the project root, after .gl/on-gpu.sh, which points EGL at the
# NVIDIA driver): the GL half's tests on NVIDIA's EGL (engine_tests GlContext*, the bench's gl column), then interop
# against gl for fill and gray-scott at 1080p and 4K in both modes (--no-ring --no-micro) into $OUT/gl (bench.json,
# bench.md, plots). Logs go to $OUT; each step runs even if one before it failed.
set -u
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
timeout 60 build-gpu/tests/engine_tests --gtest_filter='GlContext*:BenchTest.TheGlBackend*' > "$OUT/gl-tests.log" 2>&1
echo "gl tests rc=$?"; grep -E "PASSED|FAILED|SKIPPED|Failure|skip" "$OUT/gl-tests.log" | head -12
timeout -s TERM "${BENCH_SECONDS:-300}" build-gpu/cuvk-bench --backend interop --backend gl --sample fill \
  --sample gray-scott --size 1920x1080 --size 3840x2160 --no-ring --no-micro --out "$OUT/gl" \
  > "$OUT/gl-bench.log" 2> "$OUT/gl-progress.log"
echo "gl bench rc=$?"; tail -10 "$OUT/gl-progress.log"; grep -o '"note": "CUDA-GL[^"]*"' "$OUT/gl/bench.json" | sort | uniq -c | head -4
