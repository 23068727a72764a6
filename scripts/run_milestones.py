#!/usr/bin/env python3
"""Run every milestone script of every ready stage and collect what each one measured.

    nox -s milestones                    # default (full) settings of every milestone
    nox -s milestones -- --quick         # the --quick settings where a script has them
    python scripts/run_milestones.py -m transformer_2017 -m shakespeare_2017

Each milestone runs in its own process from ``solutions/`` (``main(argv)`` of
``milestones.<name>``), timed by wall clock. The dict ``main`` returns is flattened to its
numbers and short strings (``reversal.test_accuracy``, ``val_loss``, ...); lists such as
training histories are left out of the table but kept in the JSON. A script that stops with a
usage error (``SystemExit``, e.g. the CIFAR-10 milestone without its data) is reported as
skipped, with its message. Output: ``bench-results/milestones.md`` (a table) and
``bench-results/milestones.json`` (everything, with the environment).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from course import load_manifest  # noqa: E402

#: Runs one milestone in a fresh interpreter and prints its result as JSON on the last line.
RUNNER = """
import inspect, json, sys
from importlib import import_module
module = import_module("milestones." + sys.argv[1])
argv = sys.argv[2:]
if "--quick" in argv and not hasattr(module, "QUICK"):
    argv.remove("--quick")  # this milestone has one setting only
try:
    takes_argv = bool(inspect.signature(module.main).parameters)
    result = module.main(argv) if takes_argv else module.main()
    status = "ok"
except SystemExit as stop:
    result, status = {"message": str(stop.code)}, "skipped"
print("@@RESULT@@" + json.dumps({"status": status, "result": result}, default=str))
"""


def flatten(result, prefix: str = "") -> dict:
    """Numbers, booleans and short strings of a (nested) result dict, by dotted key."""
    flat = {}
    if not isinstance(result, dict):
        return flat
    for key, value in result.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        elif isinstance(value, bool | int | float) or (isinstance(value, str) and len(value) < 80):
            flat[name] = value
    return flat


def run_one(name: str, argv: list[str]) -> dict:
    """Run milestone ``name`` in a fresh interpreter, echoing its progress as it comes."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-u", "-c", RUNNER, name, *argv], cwd=ROOT / "solutions",
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    log, payload = [], None
    for line in process.stdout:
        if line.startswith("@@RESULT@@"):
            payload = json.loads(line.removeprefix("@@RESULT@@"))
            continue
        print(f"    {line}", end="", flush=True)
        log.append(line)
    process.wait()
    seconds = time.perf_counter() - start
    if process.returncode != 0 or payload is None:
        return {"status": "error", "seconds": seconds, "result": {}, "log": "".join(log)}
    if payload["status"] == "skipped":  # argparse explains itself on the last line
        said = [line.strip() for line in log if line.strip()]
        message = said[-1] if said else payload["result"]["message"]
        payload["result"] = {"message": message if len(message) < 80 else message[:76] + "..."}
    return {**payload, "seconds": seconds, "log": "".join(log)}


def render(rows: list[dict]) -> str:
    lines = [
        "# Milestones: measured results",
        "",
        "| stage | milestone | status | wall s | measured |",
        "|---|---|---|---:|---|",
    ]
    for row in rows:
        values = flatten(row["result"])
        measured = ", ".join(
            f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in values.items()
        )
        lines.append(
            f"| {row['stage']:02d} | {row['milestone']} | {row['status']} | "
            f"{row['seconds']:.1f} | {measured} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="pass --quick where supported")
    parser.add_argument("-m", "--milestone", action="append", help="run only these (repeatable)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results", help="output folder")
    args = parser.parse_args(argv)
    planned = [
        (stage.number, name)
        for stage in load_manifest(ROOT)
        if stage.ready
        for name in stage.milestones
        if not args.milestone or name in args.milestone
    ]
    rows = []
    for number, name in planned:
        print(f"stage {number:02d}: {name} ...", flush=True)
        row = {"stage": number, "milestone": name,
               **run_one(name, ["--quick"] if args.quick else [])}  # fmt: skip
        print(f"  {row['status']} in {row['seconds']:.1f} s", flush=True)
        rows.append(row)
    args.out.mkdir(parents=True, exist_ok=True)
    table = render(rows)
    (args.out / "milestones.md").write_text(table, encoding="utf-8")
    environment = {
        "python": platform.python_version(), "machine": platform.machine(),
        "cpu_count": os.cpu_count(), "load_average": list(os.getloadavg()),
        "quick": args.quick, "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }  # fmt: skip
    report = {"environment": environment, "milestones": rows}
    (args.out / "milestones.json").write_text(
        json.dumps(report, indent=1, default=str) + "\n", encoding="utf-8"
    )
    print("\n" + table)
    print(f"wrote {args.out / 'milestones.md'} and milestones.json")
    return 1 if any(row["status"] == "error" for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
