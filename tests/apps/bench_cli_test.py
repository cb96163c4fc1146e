#!/usr/bin/env python3
"""cuvk-bench from the command line (lavapipe in CI): --help, usage errors (exit 2, one line, nothing written), a
--quick run that writes bench.json (every configuration, figures as min/median/max, the machine and versions),
bench.md and a plot per sample, and prints the table; the ring sweep; --micro-only; an output directory that cannot be
made (exit 2).
Each check prints one line; the first failure exits 1 naming it.

    bench_cli_test.py BENCH OUT_DIR
"""
import json
import os
import shutil
import sys

from cli_check import check, runner

BENCH, OUT = os.path.abspath(sys.argv[1]), sys.argv[2]
shutil.rmtree(OUT, ignore_errors=True)
os.makedirs(OUT)


run = runner(BENCH, OUT)

r = run("--help")
check("--help lists the options", r.returncode == 0 and "--repetitions" in r.stdout and "--out" in r.stdout, r.stdout)

for args, why in [(["--backend", "opengl"], "an unknown backend"), (["--frames", "3"], "too few frames"),
                  (["--size", "0x10", "--quick"], "a zero size"), (["--sample", "nope", "--quick"], "an unknown sample"),
                  (["--repetitions", "0", "--quick"], "no repetitions"),
                  (["--host-wait", "poll", "--quick"], "an unknown host wait"),
                  (["--points", "lines", "--quick"], "an unknown points path")]:
    r = run(*args, "--out", "never")
    check(f"{why} is a usage error: exit 2, one line, nothing written",
          r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and not os.path.exists(os.path.join(OUT, "never")),
          f"rc {r.returncode}\n{r.stderr}")

r = run("--quick", "--sample", "gray-scott", "--size", "160x90", "--repetitions", "2", "--no-ring", "--out", "quick")
check("a quick run exits 0 and prints the table", r.returncode == 0 and "| gray-scott | 160x90 |" in r.stdout,
      f"rc {r.returncode}\n{r.stdout}\n{r.stderr}")
report = json.load(open(os.path.join(OUT, "quick", "bench.json")))
cases = report["cases"]
check("bench.json names the machine, the GPU and the versions",
      all(k in report for k in ("machine", "gpu", "vulkan", "cuda")) and report["repetitions"] == 2, str(report)[:400])
check("every configuration is there: one size, two modes, the cpu backend", len(cases) == 2 and
      {c["mode"] for c in cases} == {"latency", "throughput"}, json.dumps(cases)[:400])
check("each figure is min <= median <= max with frames per second above zero",
      all(0 < c["fps"]["min"] <= c["fps"]["median"] <= c["fps"]["max"] for c in cases), json.dumps(cases)[:600])
check("bench.md and the plot are written", os.path.getsize(os.path.join(OUT, "quick", "bench.md")) > 0 and
      open(os.path.join(OUT, "quick", "fps-gray-scott.png"), "rb").read(8) == b"\x89PNG\r\n\x1a\n")
check("progress lines go to stderr, one per run", r.stderr.count(" fps") == 4, r.stderr)

r = run("--quick", "--sample", "fill", "--size", "160x90", "--repetitions", "1", "--ring-size", "96x64", "--out", "ring")
ring = json.load(open(os.path.join(OUT, "ring", "bench.json")))["ring"]
check("the ring sweep: N = 1..8, batches of 1 and of N, at --ring-size, with a table and a plot",
      r.returncode == 0 and len(ring) == 15 and {c["size"] for c in ring} == {"96x64"} and
      sorted({(c["frames_in_flight"], c["batch"]) for c in ring}) ==
      sorted({(n, 1) for n in range(1, 9)} | {(n, n) for n in range(2, 9)}) and "**ring**" in r.stdout and
      os.path.exists(os.path.join(OUT, "ring", "ring.png")), f"rc {r.returncode}\n{r.stdout}\n{r.stderr}")

r = run("--quick", "--micro-only", "--out", "micro")
micro = json.load(open(os.path.join(OUT, "micro", "bench.json")))
check("--micro-only runs no sample and reports the micro-benchmarks (here: why they cannot run)",
      r.returncode == 0 and micro["cases"] == [] and micro["ring"] == [] and "micro" in micro and
      "**micro-benchmarks**" in r.stdout and (micro["micro"].get("not_run") or micro["micro"]["results"]),
      f"rc {r.returncode}\n{r.stdout}\n{r.stderr}")
r = run("--micro-only", "--no-micro", "--out", "never")
check("--micro-only with --no-micro is a usage error", r.returncode == 2 and "--no-micro" in r.stderr, r.stderr)

open(os.path.join(OUT, "a-file"), "w").close()
r = run("--quick", "--sample", "gray-scott", "--size", "160x90", "--repetitions", "1", "--no-ring", "--out",
        "a-file/sub")
check("an output directory that cannot be made: exit 2 naming it", r.returncode == 2 and "a-file/sub" in r.stderr,
      f"rc {r.returncode}\n{r.stderr}")
print("all cuvk-bench command-line checks passed")
