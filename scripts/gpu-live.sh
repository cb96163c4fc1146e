#!/usr/bin/env bash
# Live kernels on the GPU machine (from the project root, after .gl/on-gpu.sh): live_kernel_gpu_tests (each example
# compiled by NVRTC and run through the driver API against nvcc's CUBIN of the same source, bit for bit; hot reload,
# compile errors with their line, refused declarations, the editor's source), once more under compute-sanitizer
# memcheck; then each example kernel headless through the whole engine on interop with the validation layer
# (cuvk-gallery --kernel) and in the viewer offscreen (cuvk-viewer --kernel --headless). Logs and PNGs (tarred) go to
# $OUT; each step runs even if one before it failed.
set -u
cs=/usr/local/cuda/bin/compute-sanitizer
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
timeout 120 build-gpu/tests/live_kernel_gpu_tests > "$OUT/live.log" 2>&1; echo "live_kernel_gpu_tests rc=$?"
grep -E "PASSED|FAILED|reload|differ" "$OUT/live.log" | head -12
timeout 200 $cs --tool memcheck --error-exitcode 9 build-gpu/tests/live_kernel_gpu_tests > "$OUT/live-memcheck.log" 2>&1
echo "memcheck rc=$?"; grep -E "ERROR SUMMARY|PASSED|FAILED" "$OUT/live-memcheck.log" | tail -3
png="$OUT/png"; mkdir -p "$png"
for k in plasma gray_scott wave; do
  timeout 120 build-gpu/cuvk-gallery --kernel examples/kernels/$k.cu --backend interop --validation --frames 240 \
    --size 1280x720 --out "$png/gallery-$k" > "$OUT/gallery-$k.log" 2>&1; echo "gallery $k rc=$?"; tail -3 "$OUT/gallery-$k.log"
done
timeout 120 build-gpu/cuvk-viewer --kernel examples/kernels/gray_scott.cu --kernel examples/kernels/wave.cu --headless \
  --frames 300 --validation --screenshot "$png/viewer-live.png" 2>&1 | tail -3; echo "viewer rc=${PIPESTATUS[0]}"
# A kernel of --kernel-dir's list, picked by name (as the panel's list does), beside a built-in sample.
timeout 120 build-gpu/cuvk-viewer --kernel-dir examples/kernels --sample live-plasma --sample gray-scott --headless \
  --frames 200 --validation --screenshot "$png/viewer-dir.png" 2>&1 | tail -2; echo "viewer dir rc=${PIPESTATUS[0]}"

# The panel while the file is edited: a viewer runs a copy of plasma.cu, the copy gets a line that does not compile
# 1.5 s in; the last frame (panel included) must show the error with its line quoted, the plasma still running.
mkdir -p /tmp/live-edit && cp examples/kernels/plasma.cu /tmp/live-edit/plasma.cu
timeout 120 build-gpu/cuvk-viewer --kernel /tmp/live-edit/plasma.cu --headless --frames 6000 --size 1280x900 \
  --validation --screenshot "$OUT/viewer-edit.png" > "$OUT/viewer-edit.log" 2>&1 &
sleep 1.5; printf 'this is not C++;\n' >> /tmp/live-edit/plasma.cu
wait $!; echo "viewer edit rc=$?"; tail -2 "$OUT/viewer-edit.log"

# Faults: fault_gpu_tests (a live kernel that faults, recovered from 100 times: fds and device memory flat; a first
# kernel that faults is held; refusals), then the viewer: its kernel file gets a wild store 1.5 s in, the context is
# reset and the last good kernel runs on; the last frame must show the plasma and the panel's fault line.
timeout 300 build-gpu/tests/fault_gpu_tests > "$OUT/fault.log" 2>&1; echo "fault_gpu_tests rc=$?"
grep -E "PASSED|FAILED|fault recovery|Failure|error" "$OUT/fault.log" | head -12
cp examples/kernels/plasma.cu /tmp/live-edit/fault.cu
timeout 120 build-gpu/cuvk-viewer --kernel /tmp/live-edit/fault.cu --headless --frames 4000 --size 1280x900 \
  --validation --screenshot "$OUT/viewer-fault.png" --status "$OUT/viewer-fault.json" > "$OUT/viewer-fault.log" 2>&1 &
sleep 1.5; sed -i '/const int x = blockIdx.x/a\    if (blockIdx.x == 3) *(volatile int*)16 = 1;' /tmp/live-edit/fault.cu
grep -n "volatile" /tmp/live-edit/fault.cu | head -2
wait $!; echo "viewer fault rc=$?"; tail -4 "$OUT/viewer-fault.log"
python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print('recoveries', s['cuda_recoveries'], '|', s['message'])" \
  "$OUT/viewer-fault.json"
# Without a recovery (the gallery): a kernel that faults ends the run at once with exit 1 and one line naming the
# error, no hang (the ring sees the fault while it waits).
start=$(date +%s)
timeout 60 build-gpu/cuvk-gallery --kernel /tmp/live-edit/fault.cu --backend interop --frames 60 --size 640x360 \
  --out /tmp/live-edit/gallery-fault > "$OUT/gallery-fault.log" 2>&1
echo "gallery fault rc=$? (want 1) in $(( $(date +%s) - start )) s"; tail -2 "$OUT/gallery-fault.log"
(cd "$OUT" && tar cf pngs.tar png viewer-edit.png viewer-fault.png && rm -rf png viewer-edit.png viewer-fault.png)
