#!/usr/bin/env bash
# Builds and runs every test. Without a CUDA device matching the Vulkan device the GPU tests skip, saying why.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --test-dir build --output-on-failure --parallel "$(nproc)"
