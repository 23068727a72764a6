# Generated from solutions/tests/stage_14/test_report.py by scripts/build_stages.py: a regression check from stage 14.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 14: profile() builds a per-layer table (parameters, FLOPs, activation bytes, peak
memory) that prints and exports to JSON and CSV."""

import csv
import io
import json

import numpy as np
import pytest

import tinytorch as tt
from tinytorch import nn
from tinytorch.profiling import count_parameters, profile

SCRATCH = 2_000_000  # bytes a Scratch module allocates (and frees) inside its forward


class Scratch(nn.Module):
    """Needs SCRATCH bytes of temporary memory, then returns its input."""

    def forward(self, x):
        tmp = np.ones(SCRATCH, dtype=np.uint8)
        del tmp
        return x


def mlp():
    return nn.Sequential(nn.Linear(10, 32), nn.ReLU(), Scratch(), nn.Linear(32, 4))


@pytest.mark.points(3, hint="one row per named_modules() entry; a row covers its submodules too")
def test_profile_rows_parameters_flops_and_activations():
    """Each row has its module's exact parameters, FLOPs and output bytes; the first row is
    the whole model."""
    model, batch = mlp(), 8
    report = profile(model, tt.randn(batch, 10), warmup=0, repeats=2)
    rows = {row.name: row for row in report}
    assert [row.name for row in report] == ["", "0", "1", "2", "3"]
    assert [row.type for row in report] == ["Sequential", "Linear", "ReLU", "Scratch", "Linear"]
    assert rows[""].depth == 0 and rows["0"].depth == 1
    assert all(row.calls == 1 for row in report)
    assert rows["0"].parameters == 10 * 32 + 32 and rows["3"].parameters == 32 * 4 + 4
    assert rows[""].parameters == count_parameters(model) == 10 * 32 + 32 + 32 * 4 + 4
    assert rows["0"].flops == 2 * batch * 10 * 32 and rows["3"].flops == 2 * batch * 32 * 4
    assert rows["1"].flops == 0 and rows[""].flops == rows["0"].flops + rows["3"].flops
    assert rows["0"].activation_bytes == batch * 32 * 4  # float32 output
    assert rows[""].activation_bytes == batch * 4 * 4


@pytest.mark.points(
    3, hint="tracemalloc: reset the peak when a module starts, read it when it ends"
)
def test_profile_peak_memory_per_layer():
    """A layer's peak memory includes the temporaries it frees before returning, and its
    parent's peak includes its children's."""
    report = profile(mlp(), tt.randn(8, 10), warmup=0, repeats=1)
    rows = {row.name: row for row in report}
    assert SCRATCH <= rows["2"].peak_bytes < SCRATCH + 100_000
    assert rows[""].peak_bytes >= SCRATCH
    assert rows["0"].peak_bytes < SCRATCH / 10 and rows["3"].peak_bytes < SCRATCH / 10


@pytest.mark.points(2, hint="as_dict() of each row; json.dumps the list; csv.DictWriter")
def test_profile_exports_json_and_csv(tmp_path):
    """The report exports every row to JSON and CSV (and files), with the same values."""
    report = profile(mlp(), tt.randn(4, 10), warmup=1, repeats=3)
    rows = json.loads(report.to_json(tmp_path / "p.json"))
    assert json.loads((tmp_path / "p.json").read_text()) == rows
    assert len(rows) == len(report)
    for data, row in zip(rows, report, strict=True):
        assert (data["name"], data["parameters"], data["flops"]) == (
            row.name,
            row.parameters,
            row.flops,
        )
        assert data["latency_median_s"] == row.latency.median
        assert data["latency_iqr_s"] == pytest.approx(row.latency.iqr)
        assert (data["repeats"], data["warmup"]) == (3, 1)
    table = list(csv.DictReader(io.StringIO(report.to_csv(tmp_path / "p.csv"))))
    assert (tmp_path / "p.csv").read_text() == report.to_csv()
    assert [r["name"] for r in table] == [row.name for row in report]
    assert [int(r["flops"]) for r in table] == [row.flops for row in report]
    assert [float(r["latency_median_s"]) for r in table] == [row.latency.median for row in report]
    text = str(report)
    assert "Linear" in text and "Scratch" in text and len(text.splitlines()) == len(report) + 2
