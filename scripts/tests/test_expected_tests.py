"""The manifest's expected tests match what pytest collects, so the grader's list is right."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from course import BuildError
from expected_tests import expected_tests

ROOT = Path(__file__).resolve().parents[2]


def test_expected_cases_equal_pytests_collection_for_every_stage():
    manifest = json.loads((ROOT / "ci/manifest.json").read_text())
    expected = {
        key: spec["cases"]
        for entry in manifest["stages"].values()
        for key, spec in entry.get("tests", {}).items()
    }
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "solutions/tests"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    collected = Counter(
        line.removeprefix("solutions/").partition("[")[0]
        for line in proc.stdout.splitlines()
        if "::" in line
    )
    assert dict(collected) == expected


def test_cases_are_counted_from_literals_and_module_constants(tmp_path):
    source = tmp_path / "test_x.py"
    source.write_text(
        "import pytest\n"
        "OPS = {'a': 1, 'b': 2, 'c': 3}\n"
        "@pytest.mark.points(2)\n@pytest.mark.parametrize('op', sorted(OPS))\n"
        "@pytest.mark.parametrize('n', [1, 2])\ndef test_a(op, n):\n    '''A.'''\n"
        "@pytest.mark.points(1)\n@pytest.mark.milestone\ndef test_b():\n    '''B.'''\n"
    )
    assert expected_tests(source, "tests/stage_01/test_x.py") == {
        "tests/stage_01/test_x.py::test_a": {"points": 2, "cases": 6},
        "tests/stage_01/test_x.py::test_b": {"points": 1, "cases": 1, "milestone": True},
    }


def test_uncountable_cases_are_a_build_error(tmp_path):
    source = tmp_path / "test_x.py"
    source.write_text(
        "import pytest\n@pytest.mark.points(2)\n"
        "@pytest.mark.parametrize('n', make_cases())\ndef test_a(n):\n    '''A.'''\n"
    )
    with pytest.raises(BuildError, match="cannot count the cases"):
        expected_tests(source, "tests/stage_01/test_x.py")
