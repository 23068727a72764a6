"""Every way a learner was seen faking points earns nothing (issue 11's list, one test each).

Each test starts from the tiny generated course of ``minicourse.py`` with its one exercise still
a stub, applies one attack, runs the real grader end to end (``python ci/grade.py run 01``, as
``nox -s stage-01`` does) and checks that the stage scores 0 and, where the attack leaves a
trace, that the points table names it.
"""

from __future__ import annotations

import json
import textwrap
import time
from pathlib import Path

import pytest
from minicourse import DIR, STUB, grade, grade_json, make_course, write_manifest

#: A pytest hook that turns every failure into a pass: what most attacks try to load.
FORCE_PASS = textwrap.dedent(
    """
    import pytest

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(item, call):
        report = yield
        report.outcome = "passed"
        report.longrepr = None
        return report
    """
)


@pytest.fixture
def course(tmp_path: Path) -> Path:
    return make_course(tmp_path / "learner")


def assert_zero(course: Path, proc, *expected: str) -> dict:
    """The run failed, the saved grade is 0 points, and the output names each ``expected``."""
    assert proc.returncode != 0, proc.stdout[-2000:]
    grade = grade_json(course)
    assert grade["points"] == 0, proc.stdout[-3000:]
    assert not grade["complete"]
    for text in expected:
        assert text in proc.stdout, proc.stdout[-3000:] + proc.stderr[-2000:]
    return grade


def test_the_honest_solution_scores_full_points(tmp_path):
    """The baseline the attacks are measured against: the same course, solved, earns 5/5."""
    course = make_course(tmp_path / "solved", solved=True)
    proc = grade(course, "run", "01")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    grade_ = grade_json(course)
    assert (grade_["points"], grade_["max_points"], grade_["complete"]) == (5, 5, True)
    assert grade_["integrity_problems"] == [] and grade_["unexpected"] == []


def test_stubs_score_zero(course):
    assert_zero(course, grade(course, "run", "01"), "Tiny: 0/5 points")


def test_an_added_test_file_outside_tests_earns_nothing(course):
    """Attack 1: a passing 59-point test named like a stage test, inside tinytorch/."""
    sneaky = course / DIR / "tinytorch/stage_01/test_x.py"
    sneaky.parent.mkdir()
    sneaky.write_text(
        "import pytest\n\n\n@pytest.mark.points(59)\ndef test_free():\n    '''Free.'''\n"
    )
    assert_zero(
        course,
        grade(course, "run", "01"),
        "test file outside tests/: stages/01_tiny/tinytorch/stage_01/test_x.py",
    )


@pytest.mark.parametrize(
    "where", ["conftest.py", "stages/conftest.py", f"{DIR}/tinytorch/conftest.py"]
)
def test_a_conftest_outside_the_stage_set_up_earns_nothing(course, where):
    """Attacks 2 and 5: a conftest.py at the root, in stages/ or in tinytorch/ forcing passes."""
    (course / where).write_text(FORCE_PASS)
    assert_zero(course, grade(course, "run", "01"), where)


def test_a_pytest_ini_loading_a_plugin_earns_nothing(course):
    """Attack 3: pytest.ini in the stage folder loading a plugin that forces passes."""
    (course / DIR / "pytest.ini").write_text("[pytest]\naddopts = -p evil\n")
    (course / DIR / "evil.py").write_text(FORCE_PASS)
    assert_zero(course, grade(course, "run", "01"), f"pytest configuration: {DIR}/pytest.ini")


@pytest.mark.parametrize("where", ["pytest.py", f"{DIR}/pytest.py", "shared/pytest.py"])
def test_a_module_shadowing_pytest_earns_nothing(course, where):
    """Attack 4: a pytest.py that would replace pytest and report success."""
    (course / where).write_text("import sys\nprint('all tests passed')\nsys.exit(0)\n")
    assert_zero(course, grade(course, "run", "01"), where)


def test_pytest_environment_variables_are_ignored(course, tmp_path):
    """Attack 6: PYTEST_PLUGINS / PYTEST_ADDOPTS / PYTHONPATH pointing at a plugin that passes all."""
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "evil.py").write_text(FORCE_PASS)
    env = {"PYTEST_PLUGINS": "evil", "PYTEST_ADDOPTS": "-p evil", "PYTHONPATH": str(plugins)}
    assert_zero(course, grade(course, "run", "01", env=env), "Tiny: 0/5 points")


def test_prewritten_results_and_an_early_exit_earn_nothing(course):
    """Attack 7: a results file claiming full points, and the process exits before testing."""
    forged = {
        "exit_status": 0,
        "tests": [
            {
                "nodeid": f"tests/stage_01/test_double.py::{name}",
                "outcome": "passed",
                "points": 5,
                "stage": 1,
            }
            for name in ("test_double_of_an_array", "test_double_keeps_float32")
        ],
    }
    for folder in (course / DIR / ".grade", course / ".grade"):
        folder.mkdir()
        (folder / "results.json").write_text(json.dumps(forged))
    init = course / DIR / "tinytorch/__init__.py"
    init.write_text("import os\nos._exit(0)\n" + STUB)
    grade_ = assert_zero(course, grade(course, "run", "01"), "the test run wrote no results")
    assert grade_["tampered"]
    assert not (course / DIR / ".grade/results.json").exists()


def test_an_atexit_hook_rewriting_the_results_earns_nothing(course):
    """Attack 8: an atexit hook in the learner's __init__.py turns every result into a pass."""
    init = course / DIR / "tinytorch/__init__.py"
    init.write_text(
        textwrap.dedent(
            """
            import atexit, json, sys

            def _rewrite():
                path = next(a.split("=", 1)[1] for a in sys.argv if a.startswith("--results-json="))
                with open(path) as f:
                    data = json.load(f)
                for test in data["tests"]:
                    test["outcome"] = "passed"
                data["exit_status"] = 0
                with open(path, "w") as f:
                    json.dump(data, f)

            atexit.register(_rewrite)
            """
        )
        + STUB
    )
    assert_zero(course, grade(course, "run", "01"), "the results were changed after")


PATCHES = {
    "TestReport": """
        import _pytest.reports as reports
        _original = reports.TestReport.from_item_and_call.__func__
        def _passing(cls, item, call):
            report = _original(cls, item, call)
            report.outcome, report.longrepr = "passed", None
            return report
        reports.TestReport.from_item_and_call = classmethod(_passing)
    """,
    "numpy.testing": """
        import numpy.testing
        numpy.testing.assert_allclose = lambda *args, **kwargs: None
    """,
    "helpers": """
        import tinytorch_testing
        tinytorch_testing.assert_close = lambda *args, **kwargs: None
    """,
    "code object": """
        import numpy.testing
        numpy.testing.assert_allclose.__code__ = (lambda *args, **kwargs: None).__code__
    """,
    "registered plugin": """
        import gc, pytest
        class _Evil:
            @pytest.hookimpl(wrapper=True)
            def pytest_runtest_makereport(self, item, call):
                report = yield
                report.outcome, report.longrepr = "passed", None
                return report
        _config = next(o for o in gc.get_objects() if type(o).__name__ == "Config" and hasattr(o, "pluginmanager"))
        _config.pluginmanager.register(_Evil(), "evil")
    """,
}


@pytest.mark.parametrize("patch", list(PATCHES))
def test_patching_the_test_machinery_from_learner_code_earns_nothing(course, patch):
    """Attack 9 and relatives: learner code that, when imported, patches pytest's reports,
    numpy.testing, the course's helpers (or a function's code), or registers a hook."""
    init = course / DIR / "tinytorch/__init__.py"
    body = STUB.replace(
        'raise NotImplementedError("stage 01: double: return 2 * x")', "return None"
    )
    init.write_text(textwrap.dedent(PATCHES[patch]) + body)
    grade_ = assert_zero(course, grade(course, "run", "01"), "in-process tampering")
    assert grade_["tampered"]


def test_patching_in_an_xdist_worker_is_reported_too(course):
    """The same check holds when the tests run on pytest-xdist workers."""
    init = course / DIR / "tinytorch/__init__.py"
    init.write_text(textwrap.dedent(PATCHES["TestReport"]) + STUB)
    assert_zero(course, grade(course, "run", "01", "-n", "2"), "in-process tampering")


def test_an_edited_test_with_its_hash_updated_is_graded_from_the_original(course, tmp_path):
    """Attacks 10 and 11 (trusted mode): tests, ci/grade.py, noxfile.py and pyproject.toml
    edited together with their hashes in ci/manifest.json, and the Classroom workflow's command
    replaced, fool only a local run; grading the learner's code in a pristine checkout
    (``ci/grade.py overlay``, as the trusted workflow and regrade do) gives 0."""
    tests = course / DIR / "tests/stage_01/test_double.py"
    tests.write_text(tests.read_text().replace("tinytorch.double(", "2 * ("))
    grader = course / "ci/grade.py"
    grader.write_text(grader.read_text().replace("return 0 if g.complete else 1", "return 0"))
    for rel in ("noxfile.py", "pyproject.toml"):
        (course / rel).write_text((course / rel).read_text() + "\n# edited\n")
    workflow = course / ".github/workflows/classroom.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(
        "on: push\njobs:\n  grade:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo 100 points\n"
    )
    write_manifest(course)  # the learner "fixes" the hashes
    local = grade(course, "run", "01")
    assert (
        local.returncode == 0 and grade_json(course)["points"] == 5
    )  # only the local run is fooled

    pristine = make_course(tmp_path / "pristine")
    proc = grade(pristine, "overlay", str(course), "01")
    assert_zero(
        pristine,
        proc,
        "Graded with the course's own copies",
        "tests/stage_01/test_double.py",
        "ci/grade.py",
    )
    assert set(grade_json(pristine)["replaced"]) >= {
        f"{DIR}/tests/stage_01/test_double.py",
        "ci/grade.py",
        "noxfile.py",
        "pyproject.toml",
        "ci/manifest.json",
    }


def test_overlay_takes_only_the_learners_package(course, tmp_path):
    """A solved learner package graded in a pristine checkout earns full points there, and
    nothing else of the learner's repository (an extra conftest, a symlink) is taken."""
    (course / DIR / "tinytorch/__init__.py").write_text(
        STUB.replace('raise NotImplementedError("stage 01: double: return 2 * x")', "return 2 * x")
    )
    (course / DIR / "tinytorch/conftest.py").write_text(FORCE_PASS)
    (course / DIR / "tinytorch/link.py").symlink_to(course / "ci/grade.py")
    pristine = make_course(tmp_path / "pristine")
    proc = grade(pristine, "overlay", str(course), "01")
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert grade_json(pristine)["points"] == 5
    assert not (pristine / DIR / "tinytorch/conftest.py").exists()
    assert not (pristine / DIR / "tinytorch/link.py").exists()


def test_a_background_process_cannot_rewrite_the_grade_afterwards(course):
    """Learner code that forks a process to overwrite grade.json once grading is done: the
    run's whole process group is stopped when the tests end."""
    grade_file = course / DIR / ".grade/grade.json"
    init = course / DIR / "tinytorch/__init__.py"
    init.write_text(
        textwrap.dedent(
            f"""
            import os, time

            if os.fork() == 0:
                time.sleep(4)
                with open({str(grade_file)!r}, "w") as f:
                    f.write('{{"points": 5, "max_points": 5, "complete": true}}')
                os._exit(0)
            """
        )
        + STUB
    )
    assert_zero(course, grade(course, "run", "01"))
    time.sleep(6)
    assert grade_json(course)["points"] == 0


def test_learner_code_cannot_set_the_workflow_steps_outputs(course, tmp_path):
    """In GitHub Actions, learner code that appends a forged Classroom result to
    $GITHUB_OUTPUT finds no such variable: the test run's environment drops it."""
    output = tmp_path / "github_output"
    output.write_text("")
    init = course / DIR / "tinytorch/__init__.py"
    init.write_text(
        "import os\n"
        "if os.environ.get('GITHUB_OUTPUT'):\n"
        "    open(os.environ['GITHUB_OUTPUT'], 'a').write('stage01=forged\\n')\n" + STUB
    )
    assert_zero(course, grade(course, "run", "01", env={"GITHUB_OUTPUT": str(output)}))
    assert output.read_text() == ""
