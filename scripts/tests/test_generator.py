"""The generator on a small course: stage views, determinism, --check, and learner safety."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import build_stages
import pytest
from build_stages import BuildError, Generator

MANIFEST = """
[[stage]]
number = 1
slug = "core"
title = "Core"
tier = "foundation"
hours = 1
ready = true
points = 1
summary = "The core."
modules = ["tinytorch/__init__.py", "tinytorch/core.py"]
milestones = []

[[stage]]
number = 2
slug = "extra"
title = "Extra"
tier = "foundation"
hours = 2
ready = true
points = 1
summary = "More."
modules = ["tinytorch/extra.py"]
milestones = []

[[stage]]
number = 3
slug = "later"
title = "Later"
tier = "architecture"
hours = 3
ready = false
points = 0
summary = "Not written yet."
modules = []
milestones = []
"""

INIT = """\
from tinytorch.core import double, triple

# BEGIN REVEAL stage=02
from tinytorch import extra

# END REVEAL
"""

CORE = """\
def double(x):
    \"\"\"Twice x.\"\"\"
    # BEGIN SOLUTION
    # TODO: return two
    #   times x.
    # HINT: multiplication
    #   works on numbers.
    y = 2 * x
    return y
    # END SOLUTION


def triple(x):
    \"\"\"Three times x.\"\"\"
    # BEGIN SOLUTION stage=02
    # TODO: return three times x.
    return 3 * x
    # END SOLUTION
"""

EXTRA = """\
from tinytorch.core import double


def quadruple(x):
    \"\"\"Four times x.\"\"\"
    # BEGIN SOLUTION
    # TODO: double twice.
    return double(double(x))
    # END SOLUTION
"""

TEST_1 = """\
import pytest


@pytest.mark.points(1)
def test_double():
    \"\"\"double doubles.\"\"\"
    from tinytorch import double

    assert double(2) == 4
"""

TEST_2 = TEST_1.replace("double", "quadruple").replace("== 4", "== 8")


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def course(tmp_path: Path) -> Path:
    files = {
        "solutions/stages.toml": MANIFEST,
        "solutions/tinytorch/__init__.py": INIT,
        "solutions/tinytorch/core.py": CORE,
        "solutions/tinytorch/extra.py": EXTRA,
        "solutions/tests/stage_01/test_core.py": TEST_1,
        "solutions/tests/stage_02/test_extra.py": TEST_2,
        "solutions/docs/01_core.md": "## What you build\n\nA core.\n",
        "solutions/docs/02_extra.md": "## What you build\n\nExtras.\n",
        "README.md": f"# Course\n\n{build_stages.README_BEGIN}\n{build_stages.README_END}\n",
        "ci/grade.py": "# grader\n",
        "ci/stub_format.py": "# stub messages\n",
        "noxfile.py": "# sessions\n",
        "pyproject.toml": "[project]\nname = 'x'\n",
        "shared/tinytorch_testing/plugin.py": "# plugin\n",
    }
    for rel, text in files.items():
        write(tmp_path, rel, text)
    return tmp_path


def build(root: Path) -> dict[str, str]:
    return {rel: data.decode() for rel, data in Generator(root).build().items()}


def test_each_stage_sees_earlier_work_solved_its_own_stubbed_and_later_absent(course):
    files = build(course)
    core_1 = files["stages/01_core/tinytorch/core.py"]
    assert (
        "    # TODO: return two\n    #   times x.\n    # HINT: multiplication\n    #   works on numbers.\n"
        in core_1
    )
    assert 'raise NotImplementedError("stage 01: double: return two times x.")' in core_1
    assert 'raise NotImplementedError("triple arrives in stage 02 (Extra)")' in core_1
    assert "y = 2 * x" not in core_1 and "BEGIN" not in core_1
    assert '"""Twice x."""' in core_1  # docstrings and signatures stay
    assert "extra" not in files["stages/01_core/tinytorch/__init__.py"]
    assert "stages/01_core/tinytorch/extra.py" not in files

    core_2 = files["stages/02_extra/tinytorch/core.py"]
    assert "    y = 2 * x\n    return y\n" in core_2
    assert "TODO" not in core_2.split("def triple")[0] and "HINT" not in core_2
    assert "    # TODO: return three times x.\n" in core_2
    assert 'raise NotImplementedError("stage 02: triple: return three times x.")' in core_2
    assert "from tinytorch import extra\n" in files["stages/02_extra/tinytorch/__init__.py"]
    assert "END REVEAL" not in files["stages/02_extra/tinytorch/__init__.py"]


def test_stage_folders_carry_tests_conftest_readme_and_workflows(course):
    files = build(course)
    assert "stages/02_extra/tests/stage_01/test_core.py" in files  # regression checks
    assert (
        "a regression check from stage 01" in files["stages/02_extra/tests/stage_01/test_core.py"]
    )
    assert "graded in this stage" in files["stages/02_extra/tests/stage_02/test_extra.py"]
    assert "TINYTORCH_STAGE = 2" in files["stages/02_extra/conftest.py"]
    readme = files["stages/02_extra/README.md"]
    assert "# Stage 02 · Extra" in readme and "nox -s stage-02" in readme
    assert "| `test_extra.py::test_quadruple` | 1 | quadruple quadruples. |" in readme
    assert not any(rel.startswith("stages/03_") for rel in files)  # not ready: absent
    assert ".github/workflows/stage-02.yml" in files
    assert ".github/workflows/stage-03.yml" not in files
    classroom = files[".github/workflows/classroom.yml"]
    assert "runners: stage01,stage02" in classroom and "nox -s stage-02 || true" in classroom
    assert "python ci/grade.py classroom 02" in classroom  # partial credit for the reporter
    table = files["README.md"]
    assert "[01 · Core](stages/01_core/README.md)" in table and "| 03 · Later |" in table


def test_manifest_records_points_and_hashes_of_protected_files(course):
    manifest = json.loads(build(course)["ci/manifest.json"])
    stage = manifest["stages"]["02"]
    assert stage["points"] == 1 and stage["dir"] == "stages/02_extra"
    assert set(stage["protected"]) == {
        "conftest.py",
        "tests/stage_01/test_core.py",
        "tests/stage_02/test_extra.py",
    }
    assert set(manifest["grading_files"]) == {
        "ci/grade.py",
        "ci/stub_format.py",
        "noxfile.py",
        "pyproject.toml",
        "shared/tinytorch_testing/plugin.py",
    }
    assert manifest["stages"]["03"]["ready"] is False


def test_generation_is_deterministic_and_idempotent(course, capsys):
    assert build_stages.main(["--root", str(course)]) == 0
    first = {p: p.read_bytes() for p in sorted(course.rglob("*")) if p.is_file()}
    assert build(course) == {rel: data.decode() for rel, data in Generator(course).build().items()}
    assert build_stages.main(["--root", str(course)]) == 0
    assert "wrote 0 files, removed 0" in capsys.readouterr().out
    second = {p: p.read_bytes() for p in sorted(course.rglob("*")) if p.is_file()}
    assert first == second


def test_check_passes_when_fresh_and_names_stale_missing_and_extra_files(course, capsys):
    assert build_stages.main(["--root", str(course)]) == 0
    assert build_stages.main(["--root", str(course), "--check"]) == 0
    write(course, "solutions/tinytorch/core.py", CORE.replace("Twice x.", "Two times x."))
    (course / "stages/02_extra/tests/stage_02/test_extra.py").unlink()
    write(course, "stages/01_core/tinytorch/stray.py", "x = 1\n")
    capsys.readouterr()
    assert build_stages.main(["--root", str(course), "--check"]) == 1
    report = capsys.readouterr().err
    assert "stale   stages/01_core/tinytorch/core.py" in report
    assert "stale   stages/02_extra/tinytorch/core.py" in report
    assert "missing stages/02_extra/tests/stage_02/test_extra.py" in report
    assert "extra   stages/01_core/tinytorch/stray.py" in report


def test_a_learners_edits_are_never_overwritten_without_force(course, capsys):
    assert build_stages.main(["--root", str(course)]) == 0
    learner_file = course / "stages/01_core/tinytorch/core.py"
    learner_file.write_text(
        learner_file.read_text().replace("raise NotImplementedError", "return 2 * x  #")
    )
    work = learner_file.read_bytes()
    write(course, "solutions/tinytorch/core.py", CORE.replace("Twice x.", "Two times x."))
    assert build_stages.main(["--root", str(course)]) == 1
    assert "refusing to overwrite" in capsys.readouterr().err
    assert learner_file.read_bytes() == work  # nothing lost
    assert build_stages.main(["--root", str(course), "--force"]) == 0
    assert "Two times x." in learner_file.read_text()


def test_import_of_a_later_module_outside_reveal_is_reported_at_its_line(course):
    write(course, "solutions/tinytorch/core.py", "from tinytorch import extra\n\n" + CORE)
    with pytest.raises(BuildError) as info:
        build(course)
    assert (info.value.path, info.value.line) == ("solutions/tinytorch/core.py", 1)
    assert "arrives in stage 02 (Extra)" in info.value.message


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("# BEGIN SOLUTION\n# TODO: x\ny = 1\n# END SOLUTION\n", "inside a function body"),
        (
            "def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION\n",
            "without a '# TODO:'",
        ),
        (
            'def f():\n    """Doc."""\n    # BEGIN SOLUTION\n    # TODO: x\n    # END SOLUTION\n',
            "holds no code",
        ),
        (
            "def f():\n    # BEGIN REVEAL stage=02\n    return 1\n    # END REVEAL\n",
            "renders to invalid Python for stage 01",
        ),
        ("def f(:\n    pass\n", "syntax error"),
    ],
)
def test_bad_solution_modules_fail_with_a_message(course, source, words):
    write(course, "solutions/tinytorch/core.py", source)
    write(course, "solutions/tinytorch/__init__.py", "")
    with pytest.raises(BuildError) as info:
        build(course)
    assert words in info.value.message
    assert info.value.path == "solutions/tinytorch/core.py"


def test_manifest_and_ownership_problems_are_reported(course):
    write(course, "solutions/tinytorch/orphan.py", "x = 1\n")
    with pytest.raises(BuildError, match=r"orphan\.py: not listed in any stage"):
        build(course)
    (course / "solutions/tinytorch/orphan.py").unlink()
    write(course, "solutions/stages.toml", MANIFEST.replace("number = 2", "number = 5"))
    with pytest.raises(BuildError, match="must be numbered 1, 2"):
        build(course)
    write(
        course,
        "solutions/stages.toml",
        MANIFEST.replace('"tinytorch/extra.py"', '"tinytorch/nope.py"'),
    )
    with pytest.raises(BuildError, match=r"nope\.py, which does not exist"):
        build(course)


def test_systems_may_be_one_path_or_a_list_each_copied_to_its_stage_and_later_ones(course):
    stage_1 = 'modules = ["tinytorch/__init__.py", "tinytorch/core.py"]\nmilestones = []\n'
    stage_2 = 'modules = ["tinytorch/extra.py"]\nmilestones = []\n'
    manifest = MANIFEST.replace(
        stage_1, stage_1 + 'systems = ["systems/measure.py", "systems/core_cost.py"]\n'
    ).replace(stage_2, stage_2 + 'systems = "systems/extra_cost.py"\n')
    write(course, "solutions/stages.toml", manifest)
    for name in ("measure", "core_cost", "extra_cost"):
        write(course, f"solutions/systems/{name}.py", f"# {name}\n")
    files = build(course)
    stage_1_systems = {rel for rel in files if rel.startswith("stages/01_core/systems/")}
    assert stage_1_systems == {
        "stages/01_core/systems/__init__.py",
        "stages/01_core/systems/measure.py",
        "stages/01_core/systems/core_cost.py",
    }
    for name in ("measure", "core_cost", "extra_cost"):
        assert files[f"stages/02_extra/systems/{name}.py"] == f"# {name}\n"

    for bad in ("3", '["systems/measure.py", 3]', "{ path = 'systems/measure.py' }", '[""]'):
        write(
            course,
            "solutions/stages.toml",
            MANIFEST.replace(stage_1, f"{stage_1}systems = {bad}\n"),
        )
        with pytest.raises(
            BuildError,
            match=r"#1: systems must be a path or a list of paths under solutions/, got ",
        ):
            build(course)
    write(course, "solutions/stages.toml", manifest.replace("core_cost", "nope"))
    with pytest.raises(BuildError, match=r"stage 01 lists systems/nope\.py, which does not exist"):
        build(course)


def test_markers_in_tests_are_rejected(course):
    write(course, "solutions/tests/stage_01/test_core.py", "# BEGIN SOLUTION\n" + TEST_1)
    with pytest.raises(BuildError, match="tests must not contain solution markers"):
        build(course)


def test_cli_reports_build_errors_with_exit_code_2(course, capsys):
    write(course, "solutions/tinytorch/core.py", "def f():\n    # BEGIN SOLUTION\n")
    assert build_stages.main(["--root", str(course), "--check"]) == 2
    assert (
        "error: solutions/tinytorch/core.py:2: BEGIN SOLUTION is never closed"
        in capsys.readouterr().err
    )


def test_a_solved_package_is_the_stage_with_its_own_work_done(course):
    solved = Generator(course).solved_package(1)
    assert set(solved) == {"tinytorch/__init__.py", "tinytorch/core.py"}
    assert "    y = 2 * x\n" in solved["tinytorch/core.py"]
    assert "TODO" not in solved["tinytorch/core.py"]
    assert (
        'raise NotImplementedError("triple arrives in stage 02 (Extra)")'
        in solved["tinytorch/core.py"]
    )
