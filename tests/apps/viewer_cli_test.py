#!/usr/bin/env python3
"""cuvk-viewer from the command line, without a display: --help, the no-display message, bad input (exit 2, files
untouched), a headless run of four panes with the panel (screenshot checked by regions), presets, recording,
--kernel-dir's list and SIGINT. Each check prints one line; the first failure exits 1 naming it.

    viewer_cli_test.py VIEWER OUT_DIR
"""
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time

from cli_check import check

VIEWER, OUT = sys.argv[1], sys.argv[2]
os.makedirs(OUT, exist_ok=True)
NO_DISPLAY = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}


def run(*args, env=NO_DISPLAY, timeout=300):
    return subprocess.run([VIEWER, *args], env=env, capture_output=True, text=True, timeout=timeout, cwd=OUT)


def one_line(stderr):
    lines = [line for line in stderr.splitlines() if line.startswith("cuvk-viewer:")]
    return len(lines) == 1


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def png_pixels(path):
    data = subprocess.run(["/usr/bin/convert", path, "ppm:-"], check=True, capture_output=True).stdout
    header, rest = data.split(b"\n", 1)
    dims, rest = rest.split(b"\n", 1)
    _, rest = rest.split(b"\n", 1)
    w, h = map(int, dims.split())
    return w, h, rest


def pixel(img, x, y):
    w, _, p = img
    i = (int(y) * w + int(x)) * 3
    return p[i], p[i + 1], p[i + 2]


r = run("--help")
check("--help lists the keys", r.returncode == 0 and "Space" in r.stdout and "--headless" in r.stdout, r.stdout)

r = run("--frames", "1")
check("no display: exit 1, one line naming it and suggesting --headless",
      r.returncode == 1 and "no display" in r.stderr and "--headless" in r.stderr and one_line(r.stderr),
      r.stderr)

r = run("--headless", "--sample", "nope", "--frames", "1")
check("an unknown sample is a usage error", r.returncode == 2 and one_line(r.stderr), r.stderr)

r = run("--headless", "--set", "feed=7", "--frames", "1")
check("a value out of range is a usage error", r.returncode == 2 and "feed" in r.stderr, r.stderr)

bad = os.path.join(OUT, "bad.json")
with open(bad, "w") as f:
    f.write("{ this is not json")
before = digest(bad)
r = run("--headless", "--preset", bad, "--frames", "1")
check("a preset that is not JSON: exit 2 naming it, file untouched",
      r.returncode == 2 and "bad.json" in r.stderr and "not JSON" in r.stderr and digest(bad) == before, r.stderr)

unknown = os.path.join(OUT, "unknown.json")
with open(unknown, "w") as f:
    json.dump({"cuvk_preset": 1, "panes": [{"sample": "gray-scott", "params": {"bogus": 1}}]}, f)
before = digest(unknown)
r = run("--headless", "--preset", unknown, "--frames", "1")
check("a preset naming an unknown parameter: exit 2, file untouched",
      r.returncode == 2 and "bogus" in r.stderr and digest(unknown) == before, r.stderr)

preset = os.path.join(OUT, "two.json")
with open(preset, "w") as f:
    json.dump({"cuvk_preset": 1, "frames_in_flight": 2, "panes": [
        {"sample": "fluid", "backend": "cpu", "seed": 3, "params": {"dt": 0.2}},
        {"sample": "gray-scott", "backend": "cpu", "steps": 2, "params": {"feed": 0.05}}]}, f)
status = os.path.join(OUT, "status.json")
r = run("--headless", "--preset", preset, "--frames", "6", "--size", "640x360", "--status", status)
st = json.load(open(status)) if os.path.exists(status) else {}
check("a preset sets panes, backends, steps and frames in flight",
      r.returncode == 0 and [p["sample"] for p in st.get("panes", [])] == ["fluid", "gray-scott"] and
      st["frames_in_flight"] == 2 and st["panes"][1]["steps_taken"] == 12, r.stderr + json.dumps(st)[:800])

shot = os.path.join(OUT, "four.png")
r = run("--headless", "--backend", "cpu", "--validation", "--size", "960x600", "--sim-size", "128x128",
        "--frames", "12", "--sample", "gray-scott", "--sample", "fluid", "--sample", "waves", "--sample",
        "particles", "--screenshot", shot, "--status", status)
check("four panes headless with the panel, validation on: exit 0", r.returncode == 0, r.stderr)
img = png_pixels(shot)
st = json.load(open(status))
check("the screenshot is the window's size", img[0] == 960 and img[1] == 600)
px, py, pw, ph = st["controls"]["pause"]
rgb = pixel(img, px + pw / 2, py + 2)
check("the screenshot shows the panel (the pause button's blue)", rgb[2] > rgb[0] + 30, str(rgb))
colours = {}
for i, pane in enumerate(st["panes"]):
    x, y, w, h = pane["rect"]
    # the right half of each pane: clear of the panel in every pane of the right column
    values = {pixel(img, x + w * fx / 10, y + h * fy / 10) for fx in range(6, 10) for fy in range(1, 10)}
    colours[pane["sample"]] = len(values)
# Particles are a sparse cloud on black: two colours suffice there; the fields show many.
check("the screenshot shows every pane's simulation",
      all(v >= (2 if k == "particles" else 4) for k, v in colours.items()), str(colours))

# The copy path (an image of its own, then a blit) shows exactly what compositing straight into the target shows.
direct, copied = os.path.join(OUT, "direct.png"), os.path.join(OUT, "copied.png")
common = ["--headless", "--backend", "cpu", "--size", "480x300", "--frames", "8", "--sample", "fluid", "--sample",
          "waves", "--validation", "--hide-panel"]  # the panel shows timings
r1 = run(*common, "--screenshot", direct)
r2 = run(*common, "--copy-path", "--screenshot", copied)
same = r1.returncode == 0 and r2.returncode == 0 and png_pixels(direct)[2] == png_pixels(copied)[2]
check("--copy-path draws the same pixels as the direct path", same, r1.stderr + r2.stderr)

video = os.path.join(OUT, "run.mp4")
r = run("--headless", "--backend", "cpu", "--size", "320x200", "--frames", "30", "--record", video)
if shutil.which("ffmpeg"):
    leftovers = [n for n in os.listdir(OUT) if ".part" in n]
    check("--record writes a video through ffmpeg, no temporary left",
          r.returncode == 0 and os.path.getsize(video) > 1000 and not leftovers, r.stderr + str(leftovers))
else:
    frames = os.path.join(OUT, "run-frames")
    check("--record without ffmpeg writes a PNG sequence", r.returncode == 0 and len(os.listdir(frames)) >= 25,
          r.stderr)

# --kernel-dir: every .cu of the directory is offered in each pane's list of simulations (parsed here; compiled only
# when picked, which needs CUDA); a directory without one, or that does not exist, is a usage error.
kernels = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "kernels")
status = os.path.join(OUT, "kernels.json")
r = run("--headless", "--backend", "cpu", "--size", "640x400", "--frames", "3", "--kernel-dir", kernels, "--status",
        status)
if r.returncode == 1 and "built without CUDA" in r.stderr:
    print("skipped: --kernel-dir's list (cuvk was built without CUDA, which live kernels need)")
else:
    listed = sorted(k for k in json.load(open(status))["controls"] if k.startswith("sample0.live-")) \
        if r.returncode == 0 and os.path.exists(status) else []
    check("--kernel-dir lists each kernel of the directory in the panel, and opens none",
          listed == ["sample0.live-gray_scott", "sample0.live-plasma", "sample0.live-wave"] and
          json.load(open(status))["panes"][0]["sample"] == "gray-scott", r.stderr + str(listed))
os.makedirs(os.path.join(OUT, "no-kernels"), exist_ok=True)
for bad in (os.path.join(OUT, "no-kernels"), os.path.join(OUT, "missing")):
    r = run("--headless", "--frames", "1", "--kernel-dir", bad)
    check("--kernel-dir " + os.path.basename(bad) + ": exit 2, one line naming it",
          r.returncode == 2 and "--kernel-dir" in r.stderr and one_line(r.stderr), r.stderr)

p = subprocess.Popen([VIEWER, "--headless", "--backend", "cpu", "--size", "320x200"], env=NO_DISPLAY,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=OUT)
time.sleep(2.0)
p.send_signal(signal.SIGINT)
try:
    out, err = p.communicate(timeout=30)
except subprocess.TimeoutExpired:
    p.kill()
    check("SIGINT stops the viewer", False, "it did not stop within 30 s")
check("SIGINT stops the viewer: exit 130", p.returncode == 130 and "SIGINT" in err, err)
print("PASSED")
