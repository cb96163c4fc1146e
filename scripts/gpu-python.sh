#!/usr/bin/env bash
# The C ABI and the Python package on the GPU machine (from the project root, after .gl/on-gpu.sh): capi_gpu_tests
# (CUDA writes through a frame's pointers, interop and staging, with validation), the package's tests with the node's
# own Python (torch, CuPy and cuda.core installed there; pytest from the wheels in .gl/wheels), every GPU example
# headless (a timed session) and in the viewer offscreen, and Python's frame rate against C++'s at 4K
# (python/benchmarks/fps_vs_c.py). Logs, fps.json and pngs.tar go to $OUT; each step runs even if one before it failed.
set -u
source "$(dirname "$0")/gpu-lib.sh"
lib="$PWD/build-gpu/libcuvk.so"
[ -e build-gpu/libcuvk.so.1 ] || ln -sf libcuvk.so.0.3.0 build-gpu/libcuvk.so.1
[ -e build-gpu/libcuvk.so ] || ln -sf libcuvk.so.1 build-gpu/libcuvk.so
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
python3 -c "import torch, cupy, cuda.core; print('torch', torch.__version__, 'cupy', cupy.__version__, 'cuda.core', cuda.core.__version__)"
capped 120 build-gpu/tests/capi_gpu_tests > "$OUT/capi-gpu.log" 2>&1; echo "capi_gpu_tests rc=$?"
grep -E "PASSED|FAILED" "$OUT/capi-gpu.log" | head -8
export CUVK_LIBRARY="$lib" PYTHONPATH="$PWD/python"
# NVIDIA's Vulkan driver needs static TLS; loaded again late in a process full of torch and CuPy it may find none left
# ("libnvidia-tls.so: cannot allocate memory in static TLS block"): reserve more at start (python/README.md).
export GLIBC_TUNABLES=glibc.rtld.optional_static_tls=16384
python3 -c "import pytest" 2>/dev/null ||
  python3 -m pip install --quiet --user --no-index --find-links .gl/wheels pytest 2>/dev/null || echo "pytest missing"
(cd python/tests && capped 300 python3 -m pytest -q -rs -p no:cacheprovider . > "$OUT/pytest.log" 2>&1; echo "pytest rc=$?")
tail -3 "$OUT/pytest.log"
png="$OUT/png"; mkdir -p "$png"
for ex in heat_torch plasma_cupy ripples_cuda_core; do
  capped 60 python3 python/examples/$ex.py --size 3840x2160 --frames 600 --out "$png/$ex.png" 2>&1 | tail -2
  capped 60 python3 python/examples/$ex.py --size 1280x720 --frames 120 --viewer --headless \
    --out "$png/$ex-viewer.png" 2>&1 | tail -2
done
capped 240 python3 python/benchmarks/fps_vs_c.py --capi-fps build-gpu/tests/capi-fps --size 3840x2160 \
  --out "$OUT/fps.json" 2>&1 | tail -6; echo "fps_vs_c rc=${PIPESTATUS[0]}"
[ -n "${NO_PACK:-}" ] || pack_out
