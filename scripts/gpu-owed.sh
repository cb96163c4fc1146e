#!/usr/bin/env bash
# The GPU runs of the live-kernel, Python and bench work (from the project root, after .gl/on-gpu.sh), in parts named
# as arguments and run in that order within one call of at most 600 s: every step is bounded by its own cap and by the
# call's deadline (scripts/gpu-lib.sh: DEADLINE, 570 s by default) and runs even if one before it failed; a step the
# deadline leaves no room for says so. Logs, reports and PNGs come back as $OUT/logs.tgz and $OUT/pngs.tar.
#   tests   the interop, engine, live-kernel and C ABI GPU tests with validation, the live-kernel tests under
#           compute-sanitizer memcheck, each example kernel through the gallery and the viewer, and the viewer while
#           its kernel file gets a line that does not compile (the panel must show it, the last good kernel running);
#   python  scripts/gpu-python.sh (the C ABI, pytest with torch and CuPy, the examples, Python against C++ at 4K);
#   gl      scripts/gpu-gl.sh, particles at 4K by raster and by the compute splat, the micro-benchmarks;
#   bench   the whole cuvk-bench (defaults) into $OUT/bench;
#   staging the interop and engine GPU tests with validation (its staging and upload tests once more under
#           compute-sanitizer memcheck), the bench's tests (staging's PCIe share), then cuvk-bench's staging backend
#           with its uploads on the transfer-only queue and on the universal queue (with the PCIe micro-benchmarks,
#           for its bound), into $OUT/staging-*;
#   ring    interop and the floor in both modes (fill, gray-scott; 720p, 1080p, 4K) into $OUT/ring-bench, then the
#           interop, engine, examples and C ABI GPU tests with validation, the engine's backend tests under memcheck;
#   apps    engine_tests, render_tests, interop_tests and stress_gpu_tests on the GPU (validation), the gallery's
#           --check on staging, the viewer headless on staging (two panes) with validation;
#   fault   LAST, and only last: a kernel that faults. On NVIDIA's 580 driver it leaves raster work of every later
#           process on the GPU timing out (Xid 109) until the machine is given back, and the process that faulted
#           gets no CUDA context again. fault_gpu_tests (the refusal named, Vulkan's frames finished, a clean
#           teardown; or, where a driver allows it, 100 recoveries), the viewer whose kernel file gets a wild store
#           mid-run, the gallery with a faulting kernel.
# Carry .gl and the binaries the parts use (build-gpu/tests/<binary>, build-gpu/cuvk-*, build-gpu/libcuvk.so.*, and
# build-gpu/tests/cubins for the live-kernel tests); give the machine back after a fault part.
set -u
source "$(dirname "$0")/gpu-lib.sh"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
png="$OUT/png"
mkdir -p "$png" /tmp/live-edit
gtest_summary() { grep -E "^\[  (PASSED|FAILED|SKIPPED) |^\[==========\]|FAILED  \]|SKIPPED \]" "$1" | head -"${2:-8}"; }
for part in "$@"; do
  echo "== $part"
  case "$part" in
  tests)
    [ -e build-gpu/libcuvk.so.1 ] || ln -sf libcuvk.so.0.3.0 build-gpu/libcuvk.so.1 # capi_gpu_tests links it
    for t in interop_gpu_tests:60 engine_gpu_tests:200 live_kernel_gpu_tests:60 capi_gpu_tests:60; do
      capped "${t#*:}" build-gpu/tests/${t%%:*} > "$OUT/${t%%:*}.log" 2>&1; echo "${t%%:*} rc=$?"
      gtest_summary "$OUT/${t%%:*}.log" 6
    done
    grep -h "reload" "$OUT/live_kernel_gpu_tests.log"
    capped 200 /usr/local/cuda/bin/compute-sanitizer --tool memcheck --error-exitcode 9 \
      build-gpu/tests/live_kernel_gpu_tests > "$OUT/live-memcheck.log" 2>&1
    echo "memcheck rc=$?"; grep -E "ERROR SUMMARY" "$OUT/live-memcheck.log" | tail -1
    for k in plasma gray_scott wave; do
      capped 60 build-gpu/cuvk-gallery --kernel examples/kernels/$k.cu --backend interop --validation --frames 240 \
        --size 1280x720 --out "$png/gallery-$k" > "$OUT/gallery-$k.log" 2>&1; echo "gallery $k rc=$?"
      grep fps "$OUT/gallery-$k.log"
    done
    capped 60 build-gpu/cuvk-viewer --kernel examples/kernels/gray_scott.cu --kernel examples/kernels/wave.cu \
      --headless --frames 300 --validation --screenshot "$png/viewer-live.png" > "$OUT/viewer-live.log" 2>&1
    echo "viewer rc=$?"; tail -1 "$OUT/viewer-live.log"
    capped 60 build-gpu/cuvk-viewer --kernel-dir examples/kernels --sample live-plasma --sample gray-scott --headless \
      --frames 200 --validation --screenshot "$png/viewer-dir.png" > "$OUT/viewer-dir.log" 2>&1
    echo "viewer dir rc=$?"; tail -1 "$OUT/viewer-dir.log"
    # 40000 frames last ~8 s: the edit 1.5 s in lands while it runs.
    cp examples/kernels/plasma.cu /tmp/live-edit/plasma.cu
    capped 60 build-gpu/cuvk-viewer --kernel /tmp/live-edit/plasma.cu --headless --frames 40000 --size 1280x900 \
      --validation --screenshot "$png/viewer-edit.png" > "$OUT/viewer-edit.log" 2>&1 &
    sleep 1.5; printf 'this is not C++;\n' >> /tmp/live-edit/plasma.cu
    wait $!; echo "viewer edit rc=$?"; tail -1 "$OUT/viewer-edit.log"
    ;;
  python)
    NO_PACK=1 DEADLINE=$((deadline - SECONDS - 5)) bash scripts/gpu-python.sh
    ;;
  gl)
    capped 200 env BENCH_SECONDS=150 OUT="$OUT" bash scripts/gpu-gl.sh
    capped 100 build-gpu/cuvk-bench --sample particles --size 3840x2160 --backend interop --no-ring --no-micro \
      --out "$OUT/particles" > "$OUT/particles.log" 2> "$OUT/particles-progress.log"; echo "particles rc=$?"
    tail -6 "$OUT/particles-progress.log"
    capped 150 build-gpu/cuvk-bench --micro-only --out "$OUT/micro" > "$OUT/micro.log" 2>&1; echo "micro rc=$?"
    grep -E "resources|oneway|upload|each further" "$OUT/micro.log" | head -16
    ;;
  staging)
    for q in transfer universal; do
      capped 150 build-gpu/cuvk-bench --backend staging --micro-group pcie --upload-queue $q \
        --out "$OUT/staging-$q" > "$OUT/staging-$q.log" 2> "$OUT/staging-$q-progress.log"
      echo "staging $q rc=$?"; tail -2 "$OUT/staging-$q-progress.log"
    done
    for t in interop_gpu_tests:60 engine_gpu_tests:200; do
      capped "${t#*:}" build-gpu/tests/${t%%:*} > "$OUT/${t%%:*}.log" 2>&1; echo "${t%%:*} rc=$?"
      gtest_summary "$OUT/${t%%:*}.log" 6
    done
    capped 120 build-gpu/tests/engine_tests --gtest_filter='Bench*' > "$OUT/bench_tests.log" 2>&1
    echo "engine_tests Bench* rc=$?"; gtest_summary "$OUT/bench_tests.log" 6
    capped 150 /usr/local/cuda/bin/compute-sanitizer --tool memcheck --error-exitcode 9 build-gpu/tests/engine_gpu_tests \
      --gtest_filter='*Upload*:*StagingProduces*' > "$OUT/engine-memcheck.log" 2>&1
    echo "memcheck rc=$?"; grep -E "ERROR SUMMARY|PASSED|FAILED" "$OUT/engine-memcheck.log" | tail -3
    ;;
  ring)
    capped 150 build-gpu/cuvk-bench --backend interop --sample fill --sample gray-scott --size 1280x720 \
      --size 1920x1080 --size 3840x2160 --no-ring --no-micro --out "$OUT/ring-bench" > "$OUT/ring-bench.log" 2>&1
    echo "interop bench rc=$?"; grep -E "^\| (fill|gray-scott)" "$OUT/ring-bench.log" | head -12
    [ -e build-gpu/libcuvk.so.1 ] || ln -sf libcuvk.so.0.3.0 build-gpu/libcuvk.so.1 # capi_gpu_tests links it
    for t in interop_gpu_tests:60 engine_gpu_tests:200 examples_gpu_tests:60 capi_gpu_tests:60; do
      capped "${t#*:}" build-gpu/tests/${t%%:*} > "$OUT/${t%%:*}.log" 2>&1; echo "${t%%:*} rc=$?"
      gtest_summary "$OUT/${t%%:*}.log" 4
    done
    capped 200 /usr/local/cuda/bin/compute-sanitizer --tool memcheck --error-exitcode 9 build-gpu/tests/engine_gpu_tests \
      --gtest_filter='*InteropAndStaging*/fill:*Upload*/fill:*SkippingTheConsumedWait*' > "$OUT/ring-memcheck.log" 2>&1
    echo "memcheck rc=$?"; grep -E "ERROR SUMMARY|PASSED|FAILED" "$OUT/ring-memcheck.log" | tail -3
    ;;
  apps)
    for t in engine_tests:150 render_tests:60 interop_tests:60 stress_gpu_tests:150; do
      capped "${t#*:}" build-gpu/tests/${t%%:*} > "$OUT/${t%%:*}.log" 2>&1; echo "${t%%:*} rc=$?"
      gtest_summary "$OUT/${t%%:*}.log" 4
    done
    capped 60 build-gpu/cuvk-gallery --check --backend staging --validation --out /tmp/gs > "$OUT/check-staging.log" 2>&1
    echo "gallery check staging rc=$?"; tail -3 "$OUT/check-staging.log"
    capped 60 build-gpu/cuvk-viewer --sample gray-scott --sample particles --backend staging --headless --frames 400 \
      --validation --screenshot "$png/viewer-staging.png" > "$OUT/viewer-staging.log" 2>&1
    echo "viewer staging rc=$?"; tail -2 "$OUT/viewer-staging.log"
    ;;
  bench)
    capped 400 build-gpu/cuvk-bench --out "$OUT/bench" > "$OUT/bench.log" 2> "$OUT/bench-progress.log"
    echo "bench rc=$?"; tail -3 "$OUT/bench-progress.log"
    ;;
  fault)
    # The viewer first: it draws by raster (its panel), which no process can after a fault on this driver.
    cp examples/kernels/plasma.cu /tmp/live-edit/fault.cu
    start=$SECONDS
    capped 60 build-gpu/cuvk-viewer --kernel /tmp/live-edit/fault.cu --headless --frames 40000 --size 1280x900 \
      --validation --screenshot "$png/viewer-fault.png" --status "$OUT/viewer-fault.json" > "$OUT/viewer-fault.log" 2>&1 &
    sleep 1.5; sed -i '/const int x = blockIdx.x/a\    if (blockIdx.x == 3) *(volatile int*)16 = 1;' /tmp/live-edit/fault.cu
    wait $!; echo "viewer fault rc=$? after $((SECONDS - start)) s; validation messages: $(grep -c 'Validation' "$OUT/viewer-fault.log")"
    grep -v "Validation" "$OUT/viewer-fault.log" | tail -2
    start=$SECONDS
    capped 60 build-gpu/cuvk-gallery --kernel /tmp/live-edit/fault.cu --backend interop --validation --frames 60 \
      --size 640x360 --out /tmp/live-edit/gallery-fault > "$OUT/gallery-fault.log" 2>&1
    echo "gallery fault rc=$? (want 1) in $((SECONDS - start)) s; validation messages: $(grep -c 'Validation' "$OUT/gallery-fault.log")"
    grep -v "Validation" "$OUT/gallery-fault.log" | tail -1
    capped 120 build-gpu/tests/fault_gpu_tests > "$OUT/fault.log" 2>&1; echo "fault_gpu_tests rc=$?"
    gtest_summary "$OUT/fault.log" 12; grep -E "fault recovery|CUDA refused|Failure" "$OUT/fault.log" | head -6
    # In a process of its own: where the driver refuses CUDA after a fault, the run above skips it.
    capped 60 build-gpu/tests/fault_gpu_tests --gtest_filter='*AFaultBeforeTheSubmission*' > "$OUT/fault-submit.log" 2>&1
    echo "fault before the submission rc=$?"; gtest_summary "$OUT/fault-submit.log" 6
    dmesg 2>/dev/null | grep -i xid | tail -4
    ;;
  *) echo "unknown part: $part (tests, python, gl, bench, staging, ring, apps, fault)"; exit 2 ;;
  esac
done
pack_out
