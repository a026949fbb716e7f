"""The run skeleton of the training stages: the CSV log a resumed run continues, when the loop
checkpoints and in what order, and the folder of another network refused (the stages' own tests
resume real runs, and ``test_pipeline.py`` kills them)."""
from __future__ import annotations

import csv
import json

import pytest
import torch

from nets.checkpoint import CheckpointInfo, read_info
from nets.config import NetConfig
from nets.models import build_network
from training.run import Run, continue_log

COLUMNS = ["step", "loss"]


def write_log(path, steps):
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows({"step": s, "loss": s / 10} for s in steps)


def logged(path):
    return [(int(r["step"]), float(r["loss"])) for r in csv.DictReader(path.open())]


def test_a_new_log_holds_only_the_header(tmp_path):
    path = tmp_path / "log.csv"
    continue_log(path, COLUMNS, "step", 0)
    assert path.read_text().splitlines() == ["step,loss"]
    continue_log(tmp_path / "other.csv", COLUMNS, "step", 20)  # a state but no log: start one
    assert (tmp_path / "other.csv").read_text().splitlines() == ["step,loss"]


def test_a_resumed_log_keeps_the_rows_its_saved_state_holds(tmp_path):
    path = tmp_path / "log.csv"
    write_log(path, [5, 10, 15, 20])  # killed after logging 15 and 20 but before saving their state
    continue_log(path, COLUMNS, "step", 10)
    assert logged(path) == [(5, 0.5), (10, 1.0)]
    with path.open("a", newline="") as handle:  # the run then appends as before
        csv.DictWriter(handle, COLUMNS).writerow({"step": 15, "loss": 9.0})
    assert logged(path) == [(5, 0.5), (10, 1.0), (15, 9.0)]
    continue_log(path, COLUMNS, "step", 15)
    assert logged(path) == [(5, 0.5), (10, 1.0), (15, 9.0)]
    write_log(path, [1, 2])  # the RL stage logs every iteration: resumed after the first
    continue_log(path, COLUMNS, "step", 1)
    assert logged(path) == [(1, 0.1)]


def test_a_run_started_afresh_drops_the_old_log(tmp_path):
    path = tmp_path / "log.csv"
    write_log(path, [5, 10])
    continue_log(path, COLUMNS, "step", 0)
    assert path.read_text().splitlines() == ["step,loss"]


def network():
    torch.manual_seed(0)
    model = build_network(NetConfig(filters=8, layers=2))
    return model, torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)


def test_the_loop_checkpoints_at_every_multiple_and_at_the_end_and_reports_after_each_step(tmp_path):
    model, optimizer = network()
    run = Run(tmp_path, {"stage": {"steps": 7}}, ["step", "seen", "seconds"], "policy.safetensors")
    assert json.loads((tmp_path / "config.json").read_text()) == {"stage": {"steps": 7}}
    parts = {"policy": (model, optimizer)}
    assert run.resume(parts) == (0, {})
    events, plotted = [], []

    def report(step, results):
        events.append(("row", step, (tmp_path / "policy.safetensors").exists()))
        return {"step": step, "seen": "+".join(results)}

    row = run.train(parts, 0, 7, lambda step: f"s{step}", report, model, CheckpointInfo(NetConfig(filters=8, layers=2)),
                    every=(3, 5), plot=plotted.append, extra=lambda: {"done": len(events)},
                    progress=lambda step, result: events.append(("progress", step, result)))
    assert [int(r["step"]) for r in csv.DictReader(run.log_path.open())] == [3, 5, 6, 7]
    assert [r["seen"] for r in csv.DictReader(run.log_path.open())] == ["s0+s1+s2", "s3+s4", "s5", "s6"]
    assert row == plotted[-1] and row["step"] == 7 and set(row) == {"step", "seen", "seconds"}
    assert [r["step"] for r in plotted] == [3, 5, 6, 7]  # each plotted once logged
    assert [e for e in events if e[0] == "progress"] == [("progress", s + 1, f"s{s}") for s in range(7)]
    assert events.index(("row", 3, False)) < events.index(("progress", 3, "s2"))  # a step's checkpoint, then progress
    assert read_info(tmp_path / "policy.safetensors").step == 7
    model, optimizer = network()
    assert run.resume({"policy": (model, optimizer)}) == (7, {"done": 10})
    assert run.train(parts, 7, 7, lambda step: 0, report, model, CheckpointInfo(NetConfig())) == {}  # nothing left


def test_a_folder_of_another_network_is_refused_before_anything_is_written(tmp_path):
    Run(tmp_path, {"sl": {"steps": 1}, "network": {"filters": 8}}, ["step"], "policy.safetensors", same=("network",))
    Run(tmp_path, {"sl": {"steps": 2}, "network": {"filters": 8}}, ["step"], "policy.safetensors", same=("network",))
    with pytest.raises(ValueError, match=r"holds a run of another network \({'filters': 8}\); use another --out"):
        Run(tmp_path, {"sl": {"steps": 3}, "network": {"filters": 16}}, ["step"], "policy.safetensors", same=("network",))
    assert json.loads((tmp_path / "config.json").read_text())["sl"] == {"steps": 2}
