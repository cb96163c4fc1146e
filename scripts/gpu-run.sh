#!/usr/bin/env bash
# The GPU session in one go (device machine, from the project root, after .gl/on-gpu.sh): every GPU-side test with
# the validation layer on, the gallery's --check on interop (timeline, binary) and staging, both examples on interop
# against their CPU implementation, compute-sanitizer (memcheck, synccheck) on hello-interop and a gallery run, and
# the fps table. Examples are built here against the installed package and carried in .gpu-ex/. Each step logs to
# $OUT and the next runs even if one fails.
set -u
g=build-gpu/cuvk-gallery
d=build-gpu/tests/png_diff
cs=/usr/local/cuda/bin/compute-sanitizer
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
(cd build-gpu && timeout 240 ctest --output-on-failure -j4 -LE "install|boundaries|viewer" > "$OUT/ctest.log" 2>&1; echo "ctest rc=$?")
grep -E "tests passed|\*\*\*Failed|Timeout|Not Run" "$OUT/ctest.log" | head -20
for sync in timeline binary; do
  timeout 60 $g --check --backend interop --sync $sync --validation --out /tmp/gal-$sync > "$OUT/check-$sync.log" 2>&1
  echo "check interop $sync rc=$?"; tail -7 "$OUT/check-$sync.log"
done
timeout 60 $g --check --backend staging --validation --out /tmp/gs > "$OUT/check-staging.log" 2>&1; echo "check staging rc=$?"
cp /tmp/gal-timeline/gallery.png "$OUT/" 2>/dev/null
for ex in hello-interop custom-particles; do
  (cd /tmp && timeout 60 "$OLDPWD/.gpu-ex/$ex" /tmp/$ex-gpu.png && timeout 60 "$OLDPWD/.gpu-ex/$ex" /tmp/$ex-cpu.png --cpu)
  $d /tmp/$ex-gpu.png /tmp/$ex-cpu.png && echo "$ex: interop equals cpu"
done
cp /tmp/hello-interop-gpu.png "$OUT/" 2>/dev/null
for tool in memcheck synccheck; do
  (cd /tmp && timeout 120 $cs --tool $tool --error-exitcode 9 "$OLDPWD/.gpu-ex/hello-interop" /tmp/cs.png > "$OUT/$tool-hello.log" 2>&1)
  echo "$tool hello-interop rc=$?"; tail -2 "$OUT/$tool-hello.log"
done
timeout 90 $cs --tool memcheck --error-exitcode 9 $g --backend interop --frames 4 --size 320x180 --set count=65536 \
  --frames-in-flight 3 --batch 3 --out /tmp/cs > "$OUT/memcheck-gallery.log" 2>&1; echo "memcheck gallery rc=$?"
tail -2 "$OUT/memcheck-gallery.log"
if [ -z "${SKIP_FPS:-}" ]; then # SKIP_FPS=1: checks only
  timeout 150 bash scripts/gpu-fps.sh /tmp/fps 200 $g > "$OUT/fps.md" 2>&1; echo "fps rc=$?"
  cat "$OUT/fps.md"
fi
