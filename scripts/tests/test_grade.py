"""The grader: points, regressions, integrity, badge colours and the reports."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import grade as grader
import pytest

STAGE = {
    "number": 2,
    "slug": "activations",
    "title": "Activations",
    "points": 6,
    "dir": "stages/02_activations",
    "tests": {
        "tests/stage_02/test_a.py::test_a": {"points": 2, "cases": 1},
        "tests/stage_02/test_a.py::test_b": {"points": 4, "cases": 1},
    },
}
#: The earlier stages' tests a stage-02 run checks (see grade.expected_regressions).
EARLIER = {"tests/stage_01/test_a.py::test_old": {"points": 2, "cases": 1, "stage": 1}}


def grade(results: dict, stage: dict, integrity: list[str], **options) -> grader.Grade:
    return grader.grade(results, stage, integrity, EARLIER, **options)


def result(name: str, stage: int, outcome: str, points: int = 2, **extra) -> dict:
    return {
        "nodeid": f"stages/02_activations/tests/stage_{stage:02d}/test_a.py::{name}",
        "stage": stage,
        "points": points,
        "outcome": outcome,
        "doc": f"{name} proves something.",
        "hint": extra.get("hint", ""),
        "message": extra.get("message", ""),
        "falsifying_example": extra.get("example", ""),
        "milestone": False,
        "duration": 0.01,
    }


def make(*tests, exit_status: int = 1) -> dict:
    """Results of a run; the earlier stage's test passes unless given."""
    if not any(t["stage"] == 1 for t in tests):
        tests = (*tests, result("test_old", 1, "passed"))
    return {"graded_stage": 2, "exit_status": exit_status, "tests": list(tests)}


FULL = make(
    result("test_a", 2, "passed"),
    result("test_b", 2, "passed", 4),
    result("test_old", 1, "passed"),
    exit_status=0,
)


def test_points_count_only_passing_tests_of_the_graded_stage():
    g = grade(
        make(
            result("test_a", 2, "passed"),
            result("test_b", 2, "failed", 4),
            result("test_old", 1, "passed"),
        ),
        STAGE,
        [],
    )
    assert (g.points, g.max_points, g.complete) == (2, 6, False)
    assert [t["earned"] for t in g.tests] == [2, 0]
    assert g.regression_count == 1 and g.regressions == []


def test_full_points_complete_the_stage():
    g = grade(FULL, STAGE, [])
    assert g.points == 6 and g.complete


def test_a_failing_earlier_stage_test_is_a_regression_that_blocks_completion():
    g = grade(
        make(
            result("test_a", 2, "passed"),
            result("test_b", 2, "passed", 4),
            result("test_old", 1, "failed", message="boom"),
        ),
        STAGE,
        [],
    )
    assert g.points == 6 and not g.complete
    assert g.regressions == [{"name": "test_a.py::test_old", "stage": 1, "message": "boom"}]


def test_tampering_voids_the_grade():
    g = grade(FULL, STAGE, ["modified: stages/02_activations/tests/stage_02/test_a.py"])
    assert g.points == 0 and not g.complete
    assert g.to_json()["tampered"] is True


def test_collection_errors_block_completion():
    g = grade(
        make(result("test_a", 2, "passed"), result("test_b", 2, "passed", 4), exit_status=2),
        STAGE,
        [],
    )
    assert g.points == 6 and not g.complete and g.collection_failed


@pytest.mark.parametrize(
    ("outcomes", "integrity", "color", "message"),
    [
        (("passed", "passed", "passed"), [], "brightgreen", "6/6"),
        (("passed", "failed", "passed"), [], "orange", "2/6"),
        (("failed", "passed", "passed"), [], "yellow", "4/6"),
        (("failed", "failed", "passed"), [], "red", "0/6"),
        (("passed", "passed", "failed"), [], "orange", "6/6, regression"),
        (("passed", "passed", "passed"), ["modified: x"], "lightgrey", "tests modified"),
    ],
)
def test_badge_colour_follows_the_grade(outcomes, integrity, color, message):
    a, b, old = outcomes
    g = grade(
        make(result("test_a", 2, a), result("test_b", 2, b, 4), result("test_old", 1, old)),
        STAGE,
        integrity,
    )
    badge = grader.badge(g)
    assert badge == {"schemaVersion": 1, "label": "stage 02", "message": message, "color": color}


def test_reports_show_failures_with_message_example_and_hint():
    g = grade(
        make(
            result("test_a", 2, "passed"),
            result(
                "test_b", 2, "failed", 4,
                message="AssertionError: relu(-1) is 0",
                example="Falsifying example: test_b(\n    data=data(...),\n)\nDraw 1: array([0.5])",
                hint="look at ReLU.forward",
            ),
        ),
        STAGE,
        [],
    )  # fmt: skip
    text = grader.render_terminal(g)
    assert "Stage 02 · Activations: 2/6 points" in text
    assert "AssertionError: relu(-1) is 0" in text
    assert "Draw 1: array([0.5])" in text and "hint: look at ReLU.forward" in text
    assert "Next: make test_a.py::test_b pass." in text
    assert "nox -s stage-02 -- 'tests/stage_02/test_a.py::test_b' --tb=short" in text
    summary = grader.render_summary(g)
    assert "| ✅ | `test_a.py::test_a` | 2/2 |" in summary
    assert "| ❌ | `test_a.py::test_b` | 0/4 |" in summary
    assert "```\nFalsifying example: test_b(" in summary
    assert "\033[" not in text  # no colour codes unless asked


def _manifest_for(root: Path) -> dict:
    folder = root / "stages/02_activations"
    protected = {
        rel: hashlib.sha256((folder / rel).read_bytes()).hexdigest()
        for rel in ("conftest.py", "tests/stage_02/test_a.py")
    }
    grading = {"ci/grade.py": hashlib.sha256((root / "ci/grade.py").read_bytes()).hexdigest()}
    return {"stages": {"02": {**STAGE, "protected": protected}}, "grading_files": grading}


@pytest.fixture
def stage_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "stages/02_activations"
    (folder / "tests/stage_02").mkdir(parents=True)
    (folder / "conftest.py").write_text("TINYTORCH_STAGE = 2\n")
    (folder / "tests/stage_02/test_a.py").write_text("def test_a():\n    assert True\n")
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci/grade.py").write_text("# grader\n")
    return tmp_path


def test_integrity_is_clean_for_untouched_files(stage_copy):
    assert grader.check_integrity(stage_copy, _manifest_for(stage_copy), "02") == []


def test_integrity_reports_modified_missing_and_added_files(stage_copy):
    manifest = _manifest_for(stage_copy)
    folder = stage_copy / "stages/02_activations"
    (folder / "tests/stage_02/test_a.py").write_text("def test_a():\n    pass\n")
    (folder / "conftest.py").unlink()
    (folder / "tests/stage_02/conftest.py").write_text("# sneaky\n")
    (stage_copy / "ci/grade.py").write_text("# edited\n")
    assert grader.check_integrity(stage_copy, manifest, "02") == [
        "missing: stages/02_activations/conftest.py",
        "modified: stages/02_activations/tests/stage_02/test_a.py",
        "added: stages/02_activations/tests/stage_02/conftest.py",
        "modified: ci/grade.py",
    ]


def test_cli_writes_grade_summary_and_badge_and_exits_by_completion(stage_copy, capsys):
    manifest = _manifest_for(stage_copy)
    (stage_copy / "ci/manifest.json").write_text(json.dumps(manifest))
    results = stage_copy / "results.json"
    results.write_text(json.dumps(FULL))
    out = stage_copy / "out"
    assert (
        grader.main(
            ["--root", str(stage_copy), "stage", "2", "--results", str(results), "--out", str(out)]
        )
        == 0
    )
    written = json.loads((out / "grade.json").read_text())
    assert (written["points"], written["max_points"], written["complete"]) == (6, 6, True)
    assert json.loads((out / "badge.json").read_text())["color"] == "brightgreen"
    assert (out / "summary.md").read_text().startswith("## ✅ Stage 02")
    results.write_text(
        json.dumps(make(result("test_a", 2, "failed"), result("test_b", 2, "passed", 4)))
    )
    assert (
        grader.main(
            [
                "--root",
                str(stage_copy),
                "stage",
                "stage-02",
                "--results",
                str(results),
                "--out",
                str(out),
            ]
        )
        == 1
    )
    assert "4/6 points" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="unknown stage '7'"):
        grader.main(["--root", str(stage_copy), "stage", "7", "--results", str(results)])


def test_collection_errors_are_shown_to_the_learner():
    results = make(result("test_a", 2, "passed"), exit_status=2)
    results["collection_errors"] = [
        {
            "nodeid": "stages/02_activations/tests/stage_02/test_b.py",
            "message": "SyntaxError: invalid syntax",
        }
    ]
    g = grade(results, STAGE, [])
    assert not g.complete
    text = grader.render_terminal(g)
    assert "could not be collected" in text and "SyntaxError: invalid syntax" in text
    assert "### Tests that could not be collected" in grader.render_summary(g)


def test_next_step_names_the_stub_that_blocks_most_tests_else_the_first_failure():
    stub = "NotImplementedError: stage 02: {}: do it"
    g = grade(
        make(
            result("test_a", 2, "failed", message=stub.format("Sigmoid.forward")),
            result("test_b", 2, "failed", message=stub.format("ReLU.forward")),
            result("test_c", 2, "failed", message=stub.format("ReLU.forward")),
        ),
        {
            **STAGE,
            "tests": {
                **STAGE["tests"],
                "tests/stage_02/test_a.py::test_c": {"points": 2, "cases": 1},
            },
        },
        [],
    )
    assert grader.next_step(g).startswith("Next: implement ReLU.forward: 2 of the 3 failing tests")
    g = grade(
        make(result("test_a", 2, "passed"), result("test_b", 2, "failed", message="assert 1 == 2")),
        STAGE,
        [],
    )
    assert grader.next_step(g).startswith("Next: make test_a.py::test_b pass.")


# ----------------------------------------------------------------------------- expected tests


def test_a_missing_expected_test_counts_as_failed():
    g = grade(make(result("test_a", 2, "passed")), STAGE, [])
    assert g.points == 2 and not g.complete
    missing = [t for t in g.tests if t["outcome"] == "missing"]
    assert [(t["name"], t["points"], t["earned"]) for t in missing] == [("test_a.py::test_b", 4, 0)]
    assert "did not run" in grader.render_terminal(g)


def test_unexpected_results_are_ignored_and_reported():
    sneaky = result("test_free", 2, "passed", 59)
    outside = {
        **result("test_x", 2, "passed", 59),
        "nodeid": "tinytorch/stage_02/test_x.py::test_x",
    }
    g = grade(make(sneaky, outside, result("test_a", 2, "failed")), STAGE, [])
    assert g.points == 0
    assert sorted(g.unexpected) == [
        "stages/02_activations/tests/stage_02/test_a.py::test_free",
        "tinytorch/stage_02/test_x.py::test_x",
    ]
    assert "Ignored 2 results no graded test accounts for" in grader.render_terminal(g)


def test_points_come_from_the_manifest_and_never_exceed_the_maximum():
    inflated = make(result("test_a", 2, "passed", 50), result("test_b", 2, "passed", 50))
    g = grade(inflated, STAGE, [])
    assert (g.points, g.max_points) == (6, 6)
    twice = make(
        result("test_a", 2, "passed"),
        result("test_a", 2, "passed"),
        result("test_b", 2, "passed", 4),
    )
    assert grade(twice, {**STAGE, "points": 5}, []).points == 5


def test_parametrized_cases_count_each_and_missing_cases_fail():
    stage = {
        **STAGE,
        "points": 6,
        "tests": {"tests/stage_02/test_a.py::test_p": {"points": 2, "cases": 3}},
    }
    runs = make(result("test_p[a]", 2, "passed"), result("test_p[b]", 2, "passed"))
    g = grade(runs, stage, [])
    assert g.points == 4
    assert [t["name"] for t in g.tests if t["outcome"] == "missing"] == [
        "test_a.py::test_p (1 of 3 cases)"
    ]


def test_a_missing_regression_check_blocks_completion():
    g = grader.grade(make(result("test_a", 2, "passed"), result("test_b", 2, "passed", 4)), STAGE, [], {
        **EARLIER, "tests/stage_01/test_a.py::test_gone": {"points": 1, "cases": 1, "stage": 1},
    })  # fmt: skip
    assert g.points == 6 and not g.complete
    assert g.regressions == [{"name": "test_a.py::test_gone", "stage": 1, "message": "did not run"}]


def test_a_filtered_run_shows_only_what_ran_and_never_completes():
    g = grade(make(result("test_a", 2, "passed")), STAGE, [], filtered=True)
    assert [t["name"] for t in g.tests] == ["test_a.py::test_a"]
    assert g.regressions == [] and not g.complete


def test_learner_arguments_are_filters_only(tmp_path):
    folder = tmp_path / "stages/02_activations"
    (folder / "tests/stage_02").mkdir(parents=True)
    (folder / "tests/stage_02/test_a.py").write_text("")
    options, paths = grader.learner_args(
        ["-k", "relu", "-x", "--tb=short", "-n", "2", "tests/stage_02/test_a.py::test_b[x]"],
        folder,
        tmp_path,
    )
    assert options == ["-k", "relu", "-x", "--tb", "short", "-n", "2"]
    assert paths == [f"{(folder / 'tests/stage_02/test_a.py').resolve()}::test_b[x]"]
    for bad in (
        ["-p", "evil"],
        ["--rootdir=/"],
        ["-c", "x.ini"],
        ["../../ci/grade.py"],
        [str(folder / "tinytorch")],
    ):
        with pytest.raises(grader.UsageError):
            grader.learner_args(bad, folder, tmp_path)


def test_a_stub_prints_one_line_naming_what_to_implement():
    g = grade(
        make(
            result("test_a", 2, "passed"),
            result(
                "test_b", 2, "failed", 4,
                message="NotImplementedError: stage 02: ReLU.forward: max(x, 0) elementwise.",
                example="Falsifying example: test_b(\n    x=array([0.5]),\n)",
                hint="negative inputs must give 0",
            ),
        ),
        STAGE,
        [],
    )  # fmt: skip
    text = grader.render_terminal(g)
    row = text.split("test_a.py::test_b", 1)[1].split("\n")
    assert row[1] == "         implement ReLU.forward"
    assert "x=array" not in text and "negative inputs" not in text
    assert "NotImplementedError" not in text
