#!/usr/bin/env bash
# Installs the Debian packages cuvk builds and tests with (Debian 12). CUDA comes from /usr/local/cuda when present;
# without nvcc the build keeps the cpu backend only.
set -euo pipefail
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
sudo_if_needed apt-get update
sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
  build-essential cmake ninja-build ccache pkg-config glslc \
  libvulkan-dev vulkan-validationlayers mesa-vulkan-drivers vulkan-tools \
  libglfw3-dev libglm-dev libimgui-dev libgtest-dev libcli11-dev nlohmann-json3-dev libstb-dev xvfb xauth \
  libegl-dev libgl-dev libegl-mesa0 \
  xdotool openbox imagemagick ffmpeg python3 python3-venv
