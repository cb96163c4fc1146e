#!/usr/bin/env bash
# Configures and builds cuvk into build/ (CUDA on when nvcc is found; CUDA_ARCHS overrides the architectures).
set -euo pipefail
cd "$(dirname "$0")/.."
args=(-S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo)
[ -n "${CUDA_ARCHS:-}" ] && args+=("-DCMAKE_CUDA_ARCHITECTURES=${CUDA_ARCHS}")
cmake "${args[@]}"
cmake --build build --parallel "$(nproc)"
