#!/usr/bin/env python3
"""cuvk-viewer driven as a person drives it: a real window on Xvfb (with a window manager, openbox, so that it can be
minimised), mouse and keys from outside through xdotool (XTEST), screenshots of the screen read back as pixels.

    viewer_window_test.py VIEWER OUT_DIR

Checks, in order: the window opens and runs; it is resized twice and keeps running at each size; it is minimised and
restored and runs again; a click on the panel's Pause stops the simulation's step counter, Step takes exactly one
step and stays paused, a second Pause click resumes it; a drag across a paused gray-scott pane changes pixels under
the brush and none far from it; the sample and the backend are switched from the panel; a preset is saved from the
panel and a changed one loaded back; the P key writes a screenshot showing both the panel and the simulation;
Escape closes it with exit status 0 and no validation message (--validation makes any message fatal).
Widget positions come from the viewer's --status file (the panel names its controls); everything else is what a
person would do. Exit 0 on success, 1 naming the failed check (screenshots are left in OUT_DIR), 77 to skip.
"""
import json
import os
import shutil
import subprocess
import sys
import time

VIEWER, OUT = sys.argv[1], sys.argv[2]
os.makedirs(OUT, exist_ok=True)
STATUS = os.path.join(OUT, "status.json")
SHOT = os.path.join(OUT, "viewer-shot.png")
procs = []


def fail(message):
    print("FAILED: " + message, flush=True)
    cleanup()
    sys.exit(1)


def cleanup():
    for p in reversed(procs):
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()


def status():
    try:
        with open(STATUS) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def wait_for(what, predicate, timeout=30.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        s = status()
        if s is not None and predicate(s):
            return s
        if viewer.poll() is not None:
            fail(f"the viewer exited ({viewer.returncode}) while waiting for {what}:\n" + viewer_log())
        time.sleep(0.1)
    fail(f"timed out waiting for {what}; last status: {json.dumps(status())[:2000]}")


def viewer_log():
    with open(os.path.join(OUT, "viewer.log")) as f:
        return f.read()[-4000:]


def xdo(*args):
    subprocess.run(["xdotool", *map(str, args)], check=True, env=env, capture_output=True)


def click(name, s=None):
    s = s or status()
    if name not in s["controls"]:
        fail(f"the panel shows no control named {name}; it has {sorted(s['controls'])}")
    x, y, w, h = s["controls"][name]
    xdo("mousemove", "--window", wid, int(x + w / 2), int(y + h / 2))
    time.sleep(0.15)
    xdo("click", "1")
    time.sleep(0.3)


def frames_advance(n=10, timeout=30.0):
    start = status()["frames"]
    return wait_for(f"{n} more frames", lambda s: s["frames"] >= start + n, timeout)


def grab(path):
    """The viewer's window as it is on screen, through ImageMagick (the system convert, not a wrapper)."""
    subprocess.run(["import", "-window", wid, path], check=True, env=env)
    ppm = subprocess.run(["/usr/bin/convert", path, "ppm:-"], check=True, capture_output=True).stdout
    return parse_ppm(ppm)


def read_png(path):
    return parse_ppm(subprocess.run(["/usr/bin/convert", path, "ppm:-"], check=True, capture_output=True).stdout)


def parse_ppm(data):
    parts, pos = [], 0
    while len(parts) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        parts.append(data[pos:end])
        pos = end
    pos += 1
    w, h = int(parts[1]), int(parts[2])
    pixels = data[pos:pos + w * h * 3]
    return w, h, pixels


def pixel(img, x, y):
    w, _, p = img
    i = (int(y) * w + int(x)) * 3
    return p[i], p[i + 1], p[i + 2]


for tool in ("Xvfb", "xdotool", "openbox", "import"):
    if shutil.which(tool) is None:
        print(f"SKIPPED: {tool} is not installed (scripts/install-deps.sh installs it)")
        sys.exit(77)

display = next(d for d in range(90, 200) if not os.path.exists(f"/tmp/.X11-unix/X{d}") and
               not os.path.exists(f"/tmp/.X{d}-lock"))
env = dict(os.environ, DISPLAY=f":{display}")
procs.append(subprocess.Popen(["Xvfb", f":{display}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
for _ in range(100):
    if os.path.exists(f"/tmp/.X11-unix/X{display}"):
        break
    time.sleep(0.05)
procs.append(subprocess.Popen(["openbox", "--sm-disable"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL))
time.sleep(0.5)
if os.path.exists(STATUS):
    os.remove(STATUS)
log = open(os.path.join(OUT, "viewer.log"), "w")
viewer = subprocess.Popen([VIEWER, "--backend", "cpu", "--size", "960x600", "--sim-size", "192x192", "--validation",
                           "--status", STATUS, "--screenshot", SHOT, "--sample", "gray-scott"],
                          env=env, stdout=log, stderr=subprocess.STDOUT, cwd=OUT)
procs.append(viewer)

try:
    # 1. It opens and runs.
    s = wait_for("the first frames", lambda s: s["frames"] >= 10, 60)
    wid = subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--name", "cuvk-viewer"], check=True,
                         env=env, capture_output=True, text=True, timeout=20).stdout.split()[0]
    print(f"runs: {s['frames']} frames, {s['size']}, direct={s['direct']}", flush=True)

    # 2. Resized twice: the swapchain follows, frames go on.
    for w, h in ((800, 520), (1024, 640)):
        xdo("windowsize", wid, w, h)
        wait_for(f"a {w}x{h} swapchain", lambda s: s["size"] == [w, h])
        frames_advance(10)
        print(f"resized to {w}x{h}", flush=True)

    # 3. Minimised and restored.
    xdo("windowminimize", wid)
    time.sleep(1.0)
    if viewer.poll() is not None:
        fail("the viewer exited when minimised:\n" + viewer_log())
    before = status()["frames"]
    time.sleep(0.5)
    idle = status()["frames"] - before
    xdo("windowactivate", "--sync", wid)
    frames_advance(10)
    print(f"minimised ({idle} frames drawn in 0.5 s while minimised) and restored", flush=True)

    # 4. Pause stops the step counter; a second click resumes it.
    click("pause")
    s = wait_for("paused", lambda s: s["paused"])
    time.sleep(0.3)
    steps = status()["panes"][0]["steps_taken"]
    frames_advance(20)
    if status()["panes"][0]["steps_taken"] != steps:
        fail("the step counter moved while paused")
    # Step while paused: exactly one frame's steps, and still paused afterwards.
    click("step")
    wait_for("one step", lambda s: s["panes"][0]["steps_taken"] == steps + 1)
    frames_advance(15)
    s = status()
    if not s["paused"] or s["panes"][0]["steps_taken"] != steps + 1:
        fail(f"Step did not take exactly one step and stay paused: {s['paused']}, {s['panes'][0]['steps_taken']}")
    click("pause")
    wait_for("resumed", lambda s: not s["paused"])
    wait_for("steps after resuming", lambda s: s["panes"][0]["steps_taken"] > steps + 5)
    print("pause / step / resume from the panel", flush=True)

    # 5. A drag across the paused gray-scott pane paints under the brush only.
    click("pause")
    wait_for("paused", lambda s: s["paused"])
    frames_advance(5)
    s = status()
    px, py, pw, ph = s["panes"][0]["rect"]
    ox, oy = 0, 0  # grab() reads the window itself
    y = py + ph * 0.70
    x0, x1 = px + pw * 0.55, px + pw * 0.85
    before = grab(os.path.join(OUT, "before-drag.png"))
    xdo("mousemove", "--window", wid, int(x0), int(y))
    time.sleep(0.2)
    xdo("mousedown", "1")
    for i in range(1, 13):
        xdo("mousemove", "--window", wid, int(x0 + (x1 - x0) * i / 12), int(y))
        time.sleep(0.03)
    xdo("mouseup", "1")
    frames_advance(10)
    after = grab(os.path.join(OUT, "after-drag.png"))
    under = [(x0 + (x1 - x0) * t / 20, y) for t in range(21)]
    far = [(px + pw * fx, py + ph * fy) for fx in (0.45, 0.6, 0.75, 0.9) for fy in (0.15, 0.25, 0.35)]
    changed_under = sum(pixel(before, ox + a, oy + b) != pixel(after, ox + a, oy + b) for a, b in under)
    changed_far = [(a, b) for a, b in far if pixel(before, ox + a, oy + b) != pixel(after, ox + a, oy + b)]
    if changed_under < len(under) * 0.6:
        fail(f"the drag changed only {changed_under} of {len(under)} pixels under the brush")
    if changed_far:
        fail(f"the drag changed pixels far from the brush: {changed_far}")
    click("pause")
    wait_for("resumed", lambda s: not s["paused"])
    print(f"drag painted {changed_under}/{len(under)} pixels under the brush, none of {len(far)} far away",
          flush=True)

    # 6. Sample and backend from the panel.
    click("sample0.fluid")
    s = wait_for("the fluid sample", lambda s: s["panes"][0]["sample"] == "fluid")
    frames_advance(10)
    target = "staging"
    click("backend0." + target)
    s = wait_for("the backend switch to be applied or refused",
                 lambda s: s["panes"][0]["backend"] == target or "unavailable" in s["panes"][0]["note"])
    if s["panes"][0]["backend"] != target:
        # No CUDA device here (CI): refused with the reason, the pane goes on with its backend.
        print(f"backend switch to {target} refused: {s['panes'][0]['note']}", flush=True)
        click("backend0.cpu")
    frames_advance(10)
    print(f"sample fluid, backend {status()['panes'][0]['backend']}", flush=True)

    # 7. Presets from the panel: Save writes the panes (atomically, beside the viewer), Load brings a changed one back.
    preset = os.path.join(OUT, "cuvk-preset.json")
    if os.path.exists(preset):
        os.remove(preset)
    click("presets")
    wait_for("the presets section", lambda s: "preset_save" in s["controls"])
    click("preset_save")
    wait_for("the saved preset", lambda s: os.path.exists(preset) and "saved" in s["message"])
    with open(preset) as f:
        saved = json.load(f)
    if [p["sample"] for p in saved["panes"]] != ["fluid"] or "dt" not in saved["panes"][0]["params"]:
        fail(f"the saved preset does not describe the pane: {saved}")
    saved["panes"][0]["sample"] = "gray-scott"
    saved["panes"][0]["params"] = {"feed": 0.05}
    with open(preset, "w") as f:
        json.dump(saved, f)
    click("preset_load")
    wait_for("the loaded preset", lambda s: s["panes"][0]["sample"] == "gray-scott" and "loaded" in s["message"])
    frames_advance(10)
    click("sample0.fluid")
    wait_for("fluid again", lambda s: s["panes"][0]["sample"] == "fluid")
    frames_advance(5)
    print("preset saved from the panel and loaded back", flush=True)

    # 8. The P key: a screenshot with the panel and the simulation.
    s = status()
    xdo("mousemove", "--window", wid, int(s["panes"][0]["rect"][2] * 0.8), int(s["panes"][0]["rect"][3] * 0.5))
    xdo("key", "--window", wid, "p")
    wait_for("the screenshot", lambda s: os.path.exists(SHOT) and "wrote" in s["message"])
    shot = read_png(SHOT)
    panel = s["controls"]["panel"]
    pause = s["controls"]["pause"]
    # The pause button: ImGui's button blue; the panel body: dark grey; the pane far right: the fluid, not panel.
    bx, by = pause[0] + pause[2] / 2, pause[1] + 2
    r, g, b = pixel(shot, bx, by)
    if not (b > r + 30 and b > 90):
        fail(f"no button colour at the pause button ({bx:.0f},{by:.0f}) of the screenshot: {(r, g, b)}")
    body = pixel(shot, panel[0] + 3, panel[1] + panel[3] / 2)  # the window's padding, beside the widgets
    if max(body) > 90:
        fail(f"the panel's body is not dark in the screenshot: {body}")
    w, h, _ = shot
    sim = [pixel(shot, x, y) for x in range(int(w * 0.55), int(w * 0.98), 23) for y in range(20, h - 20, 29)]
    if len(set(sim)) < 10:
        fail(f"the simulation region of the screenshot is flat ({len(set(sim))} colours)")
    print(f"screenshot {shot[0]}x{shot[1]}: panel and simulation", flush=True)

    # 9. Escape closes it, with no validation message.
    xdo("key", "--window", wid, "Escape")
    try:
        rc = viewer.wait(20)
    except subprocess.TimeoutExpired:
        fail("the viewer did not close on Escape")
    text = viewer_log()
    if rc != 0:
        fail(f"the viewer exited {rc}:\n{text}")
    if "validation" in text.lower() and "0 message" not in text:
        fail("validation messages:\n" + text)
    final = status()
    if final["validation_messages"] != 0:
        fail(f"{final['validation_messages']} validation messages")
    print(f"closed cleanly after {final['frames']} frames", flush=True)
finally:
    cleanup()
print("PASSED")
