#!/usr/bin/env bash
# On a two-GPU machine (from the project root, after .gl/on-gpu.sh): the GPU tests (pairing, split mode, and the
# rest) with validation on, split mode's --check, and split vs one-GPU interop fps.
set -u
g=build-gpu/cuvk-gallery
nvidia-smi --query-gpu=index,name,pci.bus_id --format=csv,noheader
(cd build-gpu && timeout 150 ctest --output-on-failure -j4 > "$OUT/ctest-x2.log" 2>&1; echo "ctest rc=$?")
grep -E "tests passed|\*\*\*Failed|Timeout|Skipped" "$OUT/ctest-x2.log" | head -20
grep -E "CUDA_VISIBLE_DEVICES=|-> CUDA" "$OUT/ctest-x2.log" | sort -u | head -12
timeout 60 $g --check --backend split --validation --out /tmp/split > "$OUT/check-split.log" 2>&1; echo "check split rc=$?"
cat "$OUT/check-split.log"
timeout 30 $g --backend staging --sample fractal --frames 20 --validation --out /tmp/st 2>&1 | tail -3
for size in 1920x1080 3840x2160; do
  for b in interop split; do
    timeout 40 $g --backend $b --size $size --frames 200 --frames-in-flight 3 --out /tmp/f-$b-$size > /dev/null 2>&1
    echo "$b $size rc=$?"; cp /tmp/f-$b-$size/report.json "$OUT/fps-$b-$size.json" 2>/dev/null
  done
done
python3 scripts/fps-table.py "$OUT"/fps-*.json
