#!/usr/bin/env bash
# Records the viewer in a real window (Xvfb + openbox, cpu backend) while xdotool stirs dye into the fluid,
# then turns the recording into docs/viewer/viewer.gif with ffmpeg (a palette pass for clean colours).
# Usage: bash scripts/make-viewer-gif.sh [VIEWER] [OUT_GIF]
set -euo pipefail
viewer=${1:-build/cuvk-viewer}
gif=${2:-docs/viewer/viewer.gif}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
display=:77
Xvfb $display -screen 0 1024x700x24 -nolisten tcp & sleep 1
DISPLAY=$display openbox --sm-disable & sleep 0.5
DISPLAY=$display "$viewer" --backend cpu --size 720x450 --sim-size 240x150 --sample fluid \
  --record "$work/run.mp4" --status "$work/status.json" &
pid=$!
wid=$(DISPLAY=$display xdotool search --sync --onlyvisible --name cuvk-viewer | head -1)
sleep 3
# Stir the fluid: a loop of dye and force on the right half, then a fast stroke across.
DISPLAY=$display xdotool mousemove --window "$wid" 560 120 mousedown 1
for a in $(seq 0 24); do
  x=$(python3 -c "import math; print(int(560 + 90*math.sin($a/24*6.283)))")
  y=$(python3 -c "import math; print(int(225 - 100*math.cos($a/24*6.283)))")
  DISPLAY=$display xdotool mousemove --window "$wid" "$x" "$y"; sleep 0.04
done
DISPLAY=$display xdotool mouseup 1; sleep 2.5
DISPLAY=$display xdotool mousemove --window "$wid" 420 380 mousedown 1
for x in $(seq 420 12 700); do DISPLAY=$display xdotool mousemove --window "$wid" "$x" 380; sleep 0.03; done
DISPLAY=$display xdotool mouseup 1; sleep 3
DISPLAY=$display xdotool key --window "$wid" Escape
wait $pid
ffmpeg -loglevel error -y -i "$work/run.mp4" -vf "fps=12,scale=420:-1:flags=lanczos,palettegen=max_colors=64:stats_mode=diff" \
  "$work/palette.png"
ffmpeg -loglevel error -y -i "$work/run.mp4" -i "$work/palette.png" \
  -lavfi "fps=12,scale=420:-1:flags=lanczos[x];[x][1:v]paletteuse=dither=bayer:bayer_scale=5:diff_mode=rectangle" "$gif"
ls -l "$gif"
