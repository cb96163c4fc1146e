#!/usr/bin/env bash
# On the GPU machine (after .gl/on-gpu.sh), from the project root: cuvk-viewer headless on the interop backend —
# every sample, then four panes at once, 1000 frames each with the validation layer on (a message fails the run),
# a screenshot of each into $OUT; then the fps of the viewer (panel drawn) against the gallery's at the same size,
# frames in flight and batch; then compute-sanitizer memcheck over a short four-pane run. Only the screenshots go to
# $OUT (the device tool brings few files back); logs go to $LOGS, and a failing step prints the end of its log.
set -u
LOGS=${LOGS:-/tmp/viewer-logs}
mkdir -p "$LOGS"
show_failure() { [ "$1" = 0 ] || tail -5 "$2"; }
v=build-gpu/cuvk-viewer
g=build-gpu/cuvk-gallery
frames=${FRAMES:-1000}
samples="gray-scott fluid particles waves fractal"
for s in $samples; do
  timeout 120 $v --headless --backend interop --validation --frames "$frames" --size 1280x720 --sample "$s" \
    --screenshot "$OUT/$s.png" > "$LOGS/viewer-$s.log" 2>&1
  rc=$?; echo "viewer $s rc=$rc $(grep -o '[0-9.]* after start-up' "$LOGS/viewer-$s.log")"; show_failure $rc "$LOGS/viewer-$s.log"
done
timeout 180 $v --headless --backend interop --validation --frames "$frames" --size 1920x1080 \
  --sample gray-scott --sample fluid --sample particles --sample waves --screenshot "$OUT/four-panes.png" \
  > "$LOGS/viewer-four.log" 2>&1
rc=$?; echo "viewer four panes rc=$rc $(grep -o '[0-9.]* after start-up' "$LOGS/viewer-four.log")"; show_failure $rc "$LOGS/viewer-four.log"
echo "| sample | gallery fps | viewer fps, panel drawn | viewer / gallery | viewer fps, panel hidden |"
echo "|---|---|---|---|---|"
for s in $samples; do
  $g --backend interop --sample "$s" --size 1280x720 --frames "$frames" --frames-in-flight 3 --batch 1 \
    --out /tmp/gv-$s > "$LOGS/gallery-$s.log" 2>&1
  gf=$(python3 -c "import json,sys; print(json.load(open('/tmp/gv-$s/report.json'))['samples'][0]['fps'])" 2>/dev/null)
  for panel in drawn hidden; do
    flag=; [ $panel = hidden ] && flag=--hide-panel
    $v --headless --backend interop --frames "$frames" --size 1280x720 --sim-size 1280x720 --frames-in-flight 3 \
      --sample "$s" $flag > "$LOGS/viewer-fps-$s-$panel.log" 2>&1
  done
  vf=$(grep -o '[0-9.]* after start-up' "$LOGS/viewer-fps-$s-drawn.log" | cut -d' ' -f1)
  hf=$(grep -o '[0-9.]* after start-up' "$LOGS/viewer-fps-$s-hidden.log" | cut -d' ' -f1)
  python3 -c "g=float('${gf:-0}'); v=float('${vf:-0}'); h=float('${hf:-0}'); print(f'| $s | {g:.0f} | {v:.0f} | {v/g if g else 0:.2f} | {h:.0f} |')"
done
# The window's two ways, measured headless at 4K: compute straight into the target, or into an image of its own + blit.
for path in direct copy; do
  flag=; [ $path = copy ] && flag=--copy-path
  $v --headless --backend interop --frames "$frames" --size 3840x2160 --sim-size 1920x1080 --frames-in-flight 3 \
    --sample fractal $flag > "$LOGS/viewer-4k-$path.log" 2>&1
  echo "4K $path: $(grep -o '[0-9.]* after start-up' "$LOGS/viewer-4k-$path.log") fps"
done
timeout 240 /usr/local/cuda/bin/compute-sanitizer --tool memcheck --error-exitcode 9 $v --headless --backend interop \
  --frames 12 --size 480x270 --sim-size 128x128 --sample gray-scott --sample fluid --sample particles --sample waves \
  > "$LOGS/memcheck-viewer.log" 2>&1
echo "memcheck viewer rc=$?"; tail -2 "$LOGS/memcheck-viewer.log"
