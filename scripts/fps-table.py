#!/usr/bin/env python3
"""Collects cuvk-gallery report.json files into one markdown table (sample x configuration, fps).

Usage: fps-table.py REPORT.json [REPORT.json ...] > table.md
"""
import json
import sys


def main(paths):
    rows = {}
    columns = []
    device = None
    for path in paths:
        with open(path) as f:
            report = json.load(f)
        device = report["device"]
        column = "{backend} {size} N={n}{batch}".format(
            backend=report["backend"], size=report["size"], n=report["frames_in_flight"],
            batch=" B=%d" % report["batch"] if report["batch"] > 1 else "")
        columns.append(column)
        for s in report["samples"]:
            rows.setdefault(s["name"], {})[column] = s
    print("Device: %s\n" % device)
    print("| sample | " + " | ".join(columns) + " |")
    print("| --- | " + " | ".join("---:" for _ in columns) + " |")
    for name, cells in rows.items():
        out = []
        for c in columns:
            s = cells.get(c)
            out.append("%.0f fps (sim %.3f ms)" % (s["fps"], s["simulation"]["mean_ms"]) if s else "")
        print("| %s | %s |" % (name, " | ".join(out)))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1:])
