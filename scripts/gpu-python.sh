#!/usr/bin/env bash
# The C ABI and the Python package on the GPU machine (from the project root, after .gl/on-gpu.sh): capi_gpu_tests
# (CUDA writes through a frame's pointers, interop and staging, with validation), then the package's tests and
# examples with the node's own Python (torch and CuPy installed there), the package taken from python/ directly.
# Logs and PNGs go to $OUT; each step runs even if one before it failed.
set -u
lib="$PWD/build-gpu/libcuvk.so"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
timeout 120 build-gpu/tests/capi_gpu_tests > "$OUT/capi-gpu.log" 2>&1; echo "capi_gpu_tests rc=$?"
grep -E "PASSED|FAILED|SKIPPED" "$OUT/capi-gpu.log" | head -8
export CUVK_LIBRARY="$lib" PYTHONPATH="$PWD/python"
python3 -c "import pytest" 2>/dev/null || python3 -m pip install --quiet pytest 2>/dev/null || echo "pytest missing"
(cd python/tests && timeout 300 python3 -m pytest -q -p no:cacheprovider . > "$OUT/pytest.log" 2>&1; echo "pytest rc=$?")
tail -5 "$OUT/pytest.log"
timeout 120 python3 python/examples/heat_torch.py --size 3840x2160 --frames 300 --out "$OUT/heat.png" 2>&1 | tail -2
timeout 120 python3 python/examples/plasma_cupy.py --size 3840x2160 --frames 300 --out "$OUT/plasma.png" 2>&1 | tail -2
