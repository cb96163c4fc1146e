#!/usr/bin/env bash
# On the GPU machine: per-sample fps of the interop and staging backends at 1080p and 4K, with 1 and 3 frames in
# flight and in batch mode (8 in flight, batches of 8). Writes one report per configuration under $1 and prints
# the table. Usage: bash scripts/gpu-fps.sh OUT_DIR [FRAMES] [GALLERY]
set -euo pipefail
out=${1:?output directory}
frames=${2:-300}
gallery=${3:-build-gpu/cuvk-gallery}
mkdir -p "$out"
reports=()
for size in 1920x1080 3840x2160; do
  for backend in interop staging; do
    for shape in "1 1" "3 1" "8 8"; do
      set -- $shape
      dir="$out/$backend-$size-n$1-b$2"
      "$gallery" --backend "$backend" --size "$size" --frames "$frames" --frames-in-flight "$1" --batch "$2" \
        --out "$dir" > "$dir.log" 2>&1 || { cat "$dir.log"; exit 1; }
      reports+=("$dir/report.json")
    done
  done
done
python3 "$(dirname "$0")/fps-table.py" "${reports[@]}"
