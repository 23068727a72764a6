#!/usr/bin/env python3
"""Grade a folder of learner repositories with the course's own tests: one CSV, one summary.

    python scripts/regrade.py SUBMISSIONS_DIR [--stage NN] [--jobs N] [--hidden DIR]
                              [--out DIR] [--timeout SECONDS]
    nox -s regrade -- SUBMISSIONS_DIR --stage 03 --jobs 2

SUBMISSIONS_DIR holds one folder per learner repository (as GitHub Classroom's "download
repositories" or ``gh classroom clone student-repos`` gives them). For every repository and
stage (``--stage``, else every ready stage the repository has a folder for), a fresh pristine
copy of the course's stage, tests, helpers and grader is made, only the learner's
``stages/NN_*/tinytorch/**/*.py`` is copied in (``ci/grade.py overlay``), and the stage is
graded in its own process with a time limit; hidden tests (``--hidden DIR`` holding
``stage_NN/test_*.py``) count as a separate column. The learner's files are only read.

Writes ``OUT/grades.csv`` (learner, stage, points, max, hidden, hidden_max, tampered, failed
tests, replaced files, commit, problems) and ``OUT/summary.md`` (default OUT:
``regrade-results/``), printing one progress line per graded stage.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: What a pristine grading workspace needs besides the stage folder.
COURSE_FILES = ("ci", "shared", "noxfile.py", "pyproject.toml")
COLUMNS = (
    "learner", "stage", "points", "max", "hidden", "hidden_max", "tampered", "failed_tests",
    "replaced", "commit", "problems",
)  # fmt: skip


def _learner_names(repos: list[Path]) -> dict[Path, str]:
    """Folder names without the assignment prefix all of them share (``hw-alice`` -> ``alice``)."""
    names = [p.name for p in repos]
    prefix = names[0] if len(names) > 1 else ""
    for name in names[1:]:
        while not name.startswith(prefix):
            prefix = prefix[:-1]
    prefix = prefix[: prefix.rfind("-") + 1] if "-" in prefix else ""
    return {p: p.name[len(prefix) :] or p.name for p in repos}


def _commit(repo: Path) -> str:
    if not (repo / ".git").exists():
        return ""
    proc = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    return proc.stdout.strip() if proc.returncode == 0 else ""


def _workspace(root: Path, entry: dict, into: Path) -> None:
    """A pristine copy of what grading stage ``entry`` needs."""
    ignore = shutil.ignore_patterns("__pycache__", ".grade", ".hypothesis", ".carry-backup")
    for rel in COURSE_FILES:
        source = root / rel
        if source.is_dir():
            shutil.copytree(source, into / rel, ignore=ignore)
        else:
            shutil.copy2(source, into / rel)
    shutil.copytree(root / entry["dir"], into / entry["dir"], ignore=ignore)


def grade_one(
    root: Path, repo: Path, key: str, entry: dict, hidden: Path | None, timeout: float
) -> dict:
    """Grade one stage of one repository in a fresh workspace; return its CSV row."""
    row = dict.fromkeys(COLUMNS, "")
    row.update(stage=key, max=entry["points"], points=0, commit=_commit(repo))
    with tempfile.TemporaryDirectory(prefix="tinytorch-regrade-") as tmp:
        work = Path(tmp) / "course"
        _workspace(root, entry, work)
        out = Path(tmp) / "grade"
        command = [
            sys.executable, "ci/grade.py", "overlay", str(repo), key, "--out", str(out),
            "--timeout", str(timeout),
        ]  # fmt: skip
        if hidden is not None:
            command += ["--hidden", str(hidden)]
        env = {**os.environ, "NO_COLOR": "1"}
        try:
            subprocess.run(
                command, cwd=work, env=env, capture_output=True, text=True,
                timeout=timeout + 120, check=False,  # the grader stops the tests at `timeout`
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            row["problems"] = f"time limit of {timeout:g} s reached"
            return row
        path = out / "grade.json"
        if not path.is_file():
            row["problems"] = "no grade was written"
            return row
        grade = json.loads(path.read_text(encoding="utf-8"))
    row.update(
        points=grade["points"],
        max=grade["max_points"],
        hidden=grade["hidden"]["points"],
        hidden_max=grade["hidden"]["max_points"],
        tampered="yes" if grade["tampered"] else "no",
        failed_tests="; ".join(t["name"] for t in grade["tests"] if t["outcome"] != "passed"),
        replaced="; ".join(grade.get("replaced", [])),
        problems="; ".join(grade["integrity_problems"]),
    )
    return row


def summary(rows: list[dict], stages: list[str]) -> str:
    """A Markdown table: one line per learner, points per stage, and the class average."""
    learners = sorted({r["learner"] for r in rows})
    by = {(r["learner"], r["stage"]): r for r in rows}
    lines = [
        "# Regrade",
        "",
        f"{len(learners)} repositories, stages {', '.join(stages)}; graded with the course's own "
        "tests (the learners' test and grading files are replaced by the originals).",
        "",
        "| learner | " + " | ".join(f"stage {s}" for s in stages) + " |",
        "|---|" + "---:|" * len(stages),
    ]
    for learner in learners:
        cells = []
        for stage in stages:
            row = by.get((learner, stage))
            if row is None:
                cells.append("–")
                continue
            cell = f"{row['points']}/{row['max']}"
            if row["hidden_max"]:
                cell += f" (+{row['hidden']}/{row['hidden_max']} hidden)"
            if row["tampered"] == "yes" or row["problems"]:
                cell += " ⚠️"
            cells.append(cell)
        lines.append(f"| {learner} | " + " | ".join(cells) + " |")
    lines += ["", "| stage | graded | mean points | full points |", "|---|---:|---:|---:|"]
    for stage in stages:
        graded = [r for r in rows if r["stage"] == stage]
        if graded:
            mean = sum(int(r["points"]) for r in graded) / len(graded)
            full = sum(int(r["points"]) == int(r["max"]) for r in graded)
            lines.append(f"| {stage} | {len(graded)} | {mean:.1f} | {full} |")
    flagged = [r for r in rows if r["tampered"] == "yes" or r["problems"]]
    if flagged:
        lines += ["", "## Needs a look", ""]
        lines += [f"- {r['learner']}, stage {r['stage']}: {r['problems']}" for r in flagged]
    return "\n".join(lines) + "\n"


def regrade(
    root: Path,
    submissions: Path,
    stage: str | None,
    jobs: int,
    hidden: Path | None,
    out: Path,
    timeout: float,
) -> list[dict]:
    manifest = json.loads((root / "ci" / "manifest.json").read_text(encoding="utf-8"))
    ready = {k: e for k, e in sorted(manifest["stages"].items()) if e["ready"]}
    if stage is not None and stage not in ready:
        raise SystemExit(f"error: stage {stage} is not a ready stage of the course")
    repos = sorted(p for p in submissions.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not repos:
        raise SystemExit(f"error: no repositories in {submissions}")
    names = _learner_names(repos)
    tasks = [
        (repo, key)
        for repo in repos
        for key in ([stage] if stage else ready)
        if stage or (repo / ready[key]["dir"]).is_dir()
    ]
    print(f"Grading {len(tasks)} stage runs of {len(repos)} repositories with {jobs} jobs")
    rows, start = [], time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {
            pool.submit(grade_one, root, repo, key, ready[key], hidden, timeout): (repo, key)
            for repo, key in tasks
        }
        for done, future in enumerate(as_completed(futures), start=1):
            repo, key = futures[future]
            row = future.result()
            row["learner"] = names[repo]
            rows.append(row)
            flag = f"  ({row['problems']})" if row["problems"] else ""
            print(
                f"[{done}/{len(tasks)}] {row['learner']} stage {key}: "
                f"{row['points']}/{row['max']}  {time.monotonic() - start:.0f} s{flag}",
                flush=True,
            )
    rows.sort(key=lambda r: (r["learner"], r["stage"]))
    out.mkdir(parents=True, exist_ok=True)
    with (out / "grades.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    stages = sorted({r["stage"] for r in rows})
    (out / "summary.md").write_text(summary(rows, stages), encoding="utf-8")
    print(f"Wrote {out / 'grades.csv'} and {out / 'summary.md'}")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("submissions", type=Path, help="a folder of learner repositories")
    parser.add_argument("--stage", help="grade only this stage (e.g. 03)")
    parser.add_argument("--jobs", type=int, default=1, help="grade N stages at a time")
    parser.add_argument("--hidden", type=Path, help="hidden tests: a folder of stage_NN/test_*.py")
    parser.add_argument("--out", type=Path, default=Path("regrade-results"), help="output folder")
    parser.add_argument(
        "--timeout", type=float, default=900, help="seconds per stage run (default 900)"
    )
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    stage = f"{int(args.stage.removeprefix('stage-')):02d}" if args.stage else None
    hidden = args.hidden.resolve() if args.hidden else None
    regrade(
        args.root.resolve(), args.submissions.resolve(), stage, args.jobs, hidden,
        args.out.resolve(), args.timeout,
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
