#!/usr/bin/env bash
# The GPU session in one go (device machine, from the project root, after .gl/on-gpu.sh): every test with the
# validation layer on, the gallery's --check on interop, the fps table, a compute-sanitizer run, and --check on
# binary semaphores and staging. Each step logs to $OUT and the next runs even if one fails.
set -u
g=build-gpu/cuvk-gallery
(cd build-gpu && timeout 200 ctest --output-on-failure -j4 > "$OUT/ctest.log" 2>&1; echo "ctest rc=$?")
grep -E "tests passed|\*\*\*Failed|Timeout" "$OUT/ctest.log" | head -20
timeout 100 $g --check --backend interop --validation --out /tmp/gal > "$OUT/check.log" 2>&1; echo "check interop timeline rc=$?"
cp /tmp/gal/gallery.png /tmp/gal/report.json "$OUT/" 2>/dev/null
cat "$OUT/check.log"
timeout 110 bash scripts/gpu-fps.sh /tmp/fps 200 $g > "$OUT/fps.md" 2>&1; echo "fps rc=$?"
cat "$OUT/fps.md"
timeout 60 /usr/local/cuda/bin/compute-sanitizer --tool memcheck --error-exitcode 9 $g --backend interop --frames 4 \
  --size 320x180 --set count=65536 --out /tmp/cs > "$OUT/memcheck.log" 2>&1; echo "memcheck rc=$?"
tail -4 "$OUT/memcheck.log"
timeout 50 $g --check --backend interop --sync binary --frames-in-flight 2 --validation --out /tmp/gb > "$OUT/check-binary.log" 2>&1; echo "check interop binary rc=$?"
tail -7 "$OUT/check-binary.log"
timeout 50 $g --check --backend staging --validation --out /tmp/gs > "$OUT/check-staging.log" 2>&1; echo "check staging rc=$?"
tail -7 "$OUT/check-staging.log"
