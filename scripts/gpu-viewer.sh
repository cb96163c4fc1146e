#!/usr/bin/env bash
# On the GPU machine (after .gl/on-gpu.sh), from the project root: cuvk-viewer headless on the interop backend —
# every sample, then four panes at once, 1000 frames each with the validation layer on (a message fails the run),
# a screenshot of each into $OUT; then the fps of the viewer (panel drawn) against the gallery's at the same size,
# frames in flight and batch; then compute-sanitizer memcheck over a short four-pane run. Each step logs to $OUT.
set -u
v=build-gpu/cuvk-viewer
g=build-gpu/cuvk-gallery
frames=${FRAMES:-1000}
samples="gray-scott fluid particles waves fractal"
for s in $samples; do
  timeout 120 $v --headless --backend interop --validation --frames "$frames" --size 1280x720 --sample "$s" \
    --screenshot "$OUT/viewer-$s.png" > "$OUT/viewer-$s.log" 2>&1
  echo "viewer $s rc=$? $(grep -o '[0-9.]* after start-up' "$OUT/viewer-$s.log")"
done
timeout 180 $v --headless --backend interop --validation --frames "$frames" --size 1920x1080 \
  --sample gray-scott --sample fluid --sample particles --sample waves --screenshot "$OUT/viewer-four.png" \
  > "$OUT/viewer-four.log" 2>&1
echo "viewer four panes rc=$? $(grep -o '[0-9.]* after start-up' "$OUT/viewer-four.log")"
echo "| sample | gallery fps | viewer fps (panel drawn) | viewer / gallery |"
echo "|---|---|---|---|"
for s in $samples; do
  $g --backend interop --sample "$s" --size 1280x720 --frames "$frames" --frames-in-flight 3 --batch 1 \
    --out /tmp/gv-$s > "$OUT/gallery-$s.log" 2>&1
  gf=$(python3 -c "import json,sys; print(json.load(open('/tmp/gv-$s/report.json'))['samples'][0]['fps'])" 2>/dev/null)
  $v --headless --backend interop --frames "$frames" --size 1280x720 --sim-size 1280x720 --frames-in-flight 3 \
    --sample "$s" > "$OUT/viewer-fps-$s.log" 2>&1
  vf=$(grep -o '[0-9.]* after start-up' "$OUT/viewer-fps-$s.log" | cut -d' ' -f1)
  python3 -c "g=float('${gf:-0}'); v=float('${vf:-0}'); print(f'| $s | {g:.0f} | {v:.0f} | {v/g if g else 0:.2f} |')"
done
# The window's two ways, measured headless at 4K: compute straight into the target, or into an image of its own + blit.
for path in direct copy; do
  flag=; [ $path = copy ] && flag=--copy-path
  $v --headless --backend interop --frames "$frames" --size 3840x2160 --sim-size 1920x1080 --frames-in-flight 3 \
    --sample fractal $flag > "$OUT/viewer-4k-$path.log" 2>&1
  echo "4K $path: $(grep -o '[0-9.]* after start-up' "$OUT/viewer-4k-$path.log") fps"
done
timeout 240 /usr/local/cuda/bin/compute-sanitizer --tool memcheck --error-exitcode 9 $v --headless --backend interop \
  --frames 12 --size 480x270 --sim-size 128x128 --sample gray-scott --sample fluid --sample particles --sample waves \
  > "$OUT/memcheck-viewer.log" 2>&1
echo "memcheck viewer rc=$?"; tail -2 "$OUT/memcheck-viewer.log"
