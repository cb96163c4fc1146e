#!/usr/bin/env python3
"""cuvk-stress from the command line. Everywhere (lavapipe in CI): --help, usage errors (exit 2), a --quick run whose
JSON report and summary line agree (conformance with every check's outcome, semaphore export reported not supported
naming VK_KHR_external_semaphore_fd where the driver lacks it, faults refused, churn flat, error injection leaving
nothing behind, stress phases not supported
with the reason when no CUDA device pairs), a report that cannot be written (exit 1, one line). Where a CUDA device
pairs with the Vulkan device (the GPU machine): a quick run is clean with frames verified, a dropped wait is caught
(exit 1, torn frames), and a withheld signal ends in exit 3 with the hang report (seed, phase, semaphore values).
Each check prints one line; the first failure exits 1 naming it.

    stress_cli_test.py STRESS OUT_DIR
"""
import json
import os
import sys

from cli_check import check, runner

STRESS, OUT = os.path.abspath(sys.argv[1]), sys.argv[2]
os.makedirs(OUT, exist_ok=True)


run = runner(STRESS, OUT)

def summary(stdout):
    lines = [line for line in stdout.splitlines() if line.startswith("cuvk-stress: seed") and ":" in line[18:]]
    return lines[-1] if lines else ""


r = run("--help")
check("--help lists the options", r.returncode == 0 and "--hang-timeout" in r.stdout and "--report" in r.stdout,
      r.stdout)
for args in (["--iterations", "2", "--duration", "5"], ["--only", "everything"], ["--hang-timeout", "-1"],
             ["--seed", "x"]):
    r = run(*args)
    check(f"usage error {' '.join(args)} exits 2 with one line",
          r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr)

report_path = os.path.join(OUT, "quick.json")
if os.path.exists(report_path):
    os.remove(report_path)
r = run("--quick", "--seed", "31337", "--report", report_path, "--validation")
line = summary(r.stdout)
check("a quick run prints the seed and one summary line", "seed 31337" in r.stdout and line != "", r.stdout + r.stderr)
with open(report_path) as f:
    report = json.load(f)
cuda = report["cuda_device"] != "none"
check("the report's summary is the printed one", report["summary"] in line, f"{report['summary']}\n{line}")
check("the report names the seed and the devices", report["seed"] == 31337 and report["vulkan_device"] != "")
outcomes = {c["outcome"] for c in report["conformance"]}
check("every conformance check has an outcome", outcomes <= {"supported", "not supported", "FAILED"}
      and len(report["conformance"]) >= 14, json.dumps(report["conformance"], indent=1))
check("no conformance check failed", "FAILED" not in outcomes, json.dumps(report["conformance"], indent=1))
check("memory sharing is supported for every format",
      all(c["outcome"] == "supported" for c in report["conformance"] if c["name"].startswith("memory:")))
sem = [c for c in report["conformance"] if c["name"].startswith("semaphore:")]
if not cuda:
    check("semaphore export is reported not supported, naming the extension",
          len(sem) == 5 and all(c["outcome"] == "not supported" and "VK_KHR_external_semaphore_fd" in c["detail"]
                                for c in sem), json.dumps(sem, indent=1))
tried = [f for f in report["faults"] if f["tried"]]
check("every bad input is refused and imports work afterwards",
      len(tried) >= 4 and all(f["caught"] and f["recovered"] for f in tried), json.dumps(report["faults"], indent=1))
check("faults that cannot be tried say why", all(f["message"] for f in report["faults"] if not f["tried"]))
churn = report["churn"]
check("churn ran with failing imports refused and nothing leaked",
      churn["cycles"] == 512 and churn["failing_imports_refused"] == 32 and churn["leaked_fds"] == 0
      and churn["leaked_bytes"] == 0, json.dumps(churn, indent=1))
storm = report["resize_storm"]
check("a running ring resized 40 times leaves fds and memory flat",
      storm["resizes"] == 40 and storm["frames"] == 160 and storm["leaked_fds"] == 0 and storm["leaked_bytes"] == 0,
      json.dumps(storm, indent=1))
inj = report["injection"]
check("error injection failed calls across the whole workload and nothing was left behind",
      inj["calls"] > 40 and inj["injected"] >= inj["calls"] // 8 and inj["problems"] == [], json.dumps(inj, indent=1))
check("errors caught = faults refused + failing imports + injected failures",
      report["errors_caught"] == sum(1 for f in tried if f["caught"]) + churn["failing_imports_refused"]
      + inj["ended_by_error"])
if cuda:
    totals = report["totals"]
    check("the quick stress verified every frame, none torn or stale",
          totals["frames"] > 0 and totals["verify"]["verified"] == totals["frames"]
          and totals["verify"]["torn"] == 0 and totals["verify"]["stale"] == 0 and totals["pairs"] > totals["frames"],
          json.dumps(totals, indent=1))
    check("the run is clean and exits 0", report["clean"] and r.returncode == 0 and line.endswith("CLEAN"), line)
else:
    check("stress phases are not supported here, saying why",
          report["phases"] and all(not p["ran"] and p["not_supported"] for p in report["phases"]),
          json.dumps(report["phases"], indent=1))
    check("the run is clean and exits 0", report["clean"] and r.returncode == 0 and line.endswith("CLEAN"), line)

r = run("--quick", "--only", "conformance", "--report", os.path.join(OUT, "no-such-dir", "r.json"))
check("a report that cannot be written: exit 1, one line naming it",
      r.returncode == 1 and "no-such-dir" in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr)

if cuda:
    r = run("--only", "stress", "--drop-wait", "--seed", "7", "--iterations", "2", "--report",
            os.path.join(OUT, "drop.json"))
    with open(os.path.join(OUT, "drop.json")) as f:
        drop = json.load(f)
    v = drop["totals"]["verify"]
    check("a dropped wait is caught: exit 1, frames torn or stale", r.returncode == 1 and v["torn"] + v["stale"] > 0
          and "FAILED" in summary(r.stdout), r.stdout + r.stderr)
    r = run("--only", "stress", "--withhold-signal", "--hang-timeout", "3", "--seed", "7", "--iterations", "3",
            timeout=120)
    check("a withheld signal is a hang: exit 3 naming the seed, the frames and the semaphores",
          r.returncode == 3 and "HANG" in r.stderr and "seed 7" in r.stderr and "produced =" in r.stderr,
          f"rc {r.returncode}\n{r.stderr}")
print("all cuvk-stress command-line checks passed")
