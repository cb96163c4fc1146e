#!/usr/bin/env bash
# What this checkout owes the GPU machine (from the project root, after .gl/on-gpu.sh), in calls that each fit the
# device's 600 s per call. Every step is bounded by its own cap and by the call's deadline (DEADLINE seconds, 570 by
# default), and runs even if one before it failed; a step the deadline leaves no room for says so. Logs go to $OUT.
#   gpu-owed.sh 1: live kernels and fault recovery (scripts/gpu-live.sh's steps: fault_gpu_tests, the live-kernel
#                  tests, each example kernel through the gallery and the viewer, the viewer while its file is
#                  edited and while its kernel faults, the gallery with a faulting kernel), then the interop and engine
#                  GPU tests with validation, then the live-kernel tests under compute-sanitizer memcheck;
#   gpu-owed.sh 2: the C ABI and Python (scripts/gpu-python.sh's steps), then the bench's gl backend
#                  (scripts/gpu-gl.sh), particles at 4K by raster and by the compute splat, the micro-benchmarks.
set -u
part=${1:-1}
source "$(dirname "$0")/gpu-lib.sh"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
png="$OUT/png"; mkdir -p "$png"
if [ "$part" = 1 ]; then
  capped 200 build-gpu/tests/fault_gpu_tests > "$OUT/fault.log" 2>&1; echo "fault_gpu_tests rc=$?"
  grep -E "^\[  (PASSED|FAILED|SKIPPED) |Failure|fault recovery|^\[==========\]" "$OUT/fault.log" | head -12
  capped 120 build-gpu/tests/live_kernel_gpu_tests > "$OUT/live.log" 2>&1; echo "live_kernel_gpu_tests rc=$?"
  grep -E "^\[  (PASSED|FAILED) |reload|differ|^\[==========\]" "$OUT/live.log" | head -12
  for k in plasma gray_scott wave; do
    capped 60 build-gpu/cuvk-gallery --kernel examples/kernels/$k.cu --backend interop --validation --frames 240 \
      --size 1280x720 --out "$png/gallery-$k" > "$OUT/gallery-$k.log" 2>&1; echo "gallery $k rc=$?"
    tail -2 "$OUT/gallery-$k.log"
  done
  capped 60 build-gpu/cuvk-viewer --kernel examples/kernels/gray_scott.cu --kernel examples/kernels/wave.cu \
    --headless --frames 300 --validation --screenshot "$png/viewer-live.png" > "$OUT/viewer-live.log" 2>&1
  echo "viewer rc=$?"; tail -2 "$OUT/viewer-live.log"
  capped 60 build-gpu/cuvk-viewer --kernel-dir examples/kernels --sample live-plasma --sample gray-scott --headless \
    --frames 200 --validation --screenshot "$png/viewer-dir.png" > "$OUT/viewer-dir.log" 2>&1
  echo "viewer dir rc=$?"; tail -2 "$OUT/viewer-dir.log"
  # The panel while the file is edited: a line that does not compile appears 1.5 s in; the last frame (panel
  # included) must show the error with its line, the plasma still running.
  mkdir -p /tmp/live-edit && cp examples/kernels/plasma.cu /tmp/live-edit/plasma.cu
  capped 60 build-gpu/cuvk-viewer --kernel /tmp/live-edit/plasma.cu --headless --frames 3000 --size 1280x900 \
    --validation --screenshot "$png/viewer-edit.png" > "$OUT/viewer-edit.log" 2>&1 &
  sleep 1.5; printf 'this is not C++;\n' >> /tmp/live-edit/plasma.cu
  wait $!; echo "viewer edit rc=$?"; tail -2 "$OUT/viewer-edit.log"
  # Its kernel file gets a wild store 1.5 s in: the context is reset and the last good kernel runs on; the last
  # frame must show the plasma and the panel's fault line; the status file counts the recoveries.
  cp examples/kernels/plasma.cu /tmp/live-edit/fault.cu
  capped 60 build-gpu/cuvk-viewer --kernel /tmp/live-edit/fault.cu --headless --frames 3000 --size 1280x900 \
    --validation --screenshot "$png/viewer-fault.png" --status "$OUT/viewer-fault.json" > "$OUT/viewer-fault.log" 2>&1 &
  sleep 1.5; sed -i '/const int x = blockIdx.x/a\    if (blockIdx.x == 3) *(volatile int*)16 = 1;' /tmp/live-edit/fault.cu
  grep -c "volatile" /tmp/live-edit/fault.cu
  wait $!; echo "viewer fault rc=$?"; tail -4 "$OUT/viewer-fault.log"
  python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print('recoveries', s['cuda_recoveries'], '|', s['message'])" \
    "$OUT/viewer-fault.json"
  # Without a recovery (the gallery): exit 1 at once with one line naming the error, no hang.
  start=$SECONDS
  capped 60 build-gpu/cuvk-gallery --kernel /tmp/live-edit/fault.cu --backend interop --frames 60 --size 640x360 \
    --out /tmp/live-edit/gallery-fault > "$OUT/gallery-fault.log" 2>&1
  echo "gallery fault rc=$? (want 1) in $((SECONDS - start)) s"; tail -2 "$OUT/gallery-fault.log"
  for t in interop_gpu_tests:60 engine_gpu_tests:200; do
    capped "${t#*:}" build-gpu/tests/${t%%:*} > "$OUT/${t%%:*}.log" 2>&1; echo "${t%%:*} rc=$?"
    grep -E "^\[  (PASSED|FAILED) |^\[==========\]" "$OUT/${t%%:*}.log" | head -6
  done
  capped 200 /usr/local/cuda/bin/compute-sanitizer --tool memcheck --error-exitcode 9 \
    build-gpu/tests/live_kernel_gpu_tests > "$OUT/live-memcheck.log" 2>&1
  echo "memcheck rc=$?"; grep -E "ERROR SUMMARY|^\[  (PASSED|FAILED) " "$OUT/live-memcheck.log" | tail -3
else
  NO_PACK=1 DEADLINE=$((deadline - SECONDS - 250)) bash scripts/gpu-python.sh
  capped 200 env BENCH_SECONDS=150 OUT="$OUT" bash scripts/gpu-gl.sh
  capped 100 build-gpu/cuvk-bench --sample particles --size 3840x2160 --backend interop --no-ring --no-micro \
    --out "$OUT/particles" > "$OUT/particles.log" 2> "$OUT/particles-progress.log"; echo "particles rc=$?"
  tail -6 "$OUT/particles-progress.log"
  capped 150 build-gpu/cuvk-bench --micro-only --out "$OUT/micro" > "$OUT/micro.log" 2>&1; echo "micro rc=$?"
  grep -E "resources|oneway|upload|each further" "$OUT/micro.log" | head -16
fi
pack_out
