#!/usr/bin/env bash
# What this checkout owes the GPU machine, in one call (from the project root, after .gl/on-gpu.sh): the work of a
# session that had no device time left (2026-12-04), each step bounded and run even if one before it failed:
#  1. fault_gpu_tests: a live kernel that faults, recovered from 100 times (interop) and 20 (staging), fds and device
#     memory flat; a first kernel that faults is held; binary semaphores refused;
#  2. the interop, engine, live-kernel and C ABI GPU tests (their code changed: re-imports, the sliced waits), with
#     the validation layer (the fixtures require it);
#  3. the gl backend's tests and interop against gl (scripts/gpu-gl.sh);
#  4. particles at 4K drawn by raster and by the compute splat, interop, both modes (the default path's decision);
#  5. the micro-benchmarks alone (the resources, one-way and Vulkan upload groups are new).
# Logs and outputs go to $OUT.
set -u
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
timeout 300 build-gpu/tests/fault_gpu_tests > "$OUT/fault.log" 2>&1; echo "fault_gpu_tests rc=$?"
grep -E "PASSED|FAILED|fault recovery|Failure" "$OUT/fault.log" | head -12
for t in interop_gpu_tests engine_gpu_tests live_kernel_gpu_tests capi_gpu_tests; do
  timeout 240 build-gpu/tests/$t > "$OUT/$t.log" 2>&1; echo "$t rc=$?"
  grep -E "^\[  (PASSED|FAILED) |tests ran" "$OUT/$t.log" | head -4
done
OUT="$OUT" bash scripts/gpu-gl.sh
timeout 200 build-gpu/cuvk-bench --sample particles --size 3840x2160 --backend interop --no-ring --no-micro \
  --out "$OUT/particles" > "$OUT/particles.log" 2> "$OUT/particles-progress.log"; echo "particles rc=$?"
tail -6 "$OUT/particles-progress.log"
timeout 200 build-gpu/cuvk-bench --micro-only --out "$OUT/micro" > "$OUT/micro.log" 2>&1; echo "micro rc=$?"
grep -E "resources|oneway|upload|each further" "$OUT/micro.log" | head -16
