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

# The panel while the file is edited: a viewer runs a copy of plasma.cu, the copy gets a line that does not compile
# 1.5 s in; the last frame (panel included) must show the error with its line quoted, the plasma still running.
mkdir -p /tmp/live-edit && cp examples/kernels/plasma.cu /tmp/live-edit/plasma.cu
timeout 120 build-gpu/cuvk-viewer --kernel /tmp/live-edit/plasma.cu --headless --frames 6000 --size 1280x900 \
  --validation --screenshot "$OUT/viewer-edit.png" > "$OUT/viewer-edit.log" 2>&1 &
sleep 1.5; printf 'this is not C++;\n' >> /tmp/live-edit/plasma.cu
wait $!; echo "viewer edit rc=$?"; tail -2 "$OUT/viewer-edit.log"
(cd "$OUT" && tar cf pngs.tar png viewer-edit.png && rm -rf png viewer-edit.png)
