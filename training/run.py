"""The run skeleton the training stages share: what a run leaves in its ``out`` folder, how a killed
run resumes, and the loop that checkpoints it.

==============================  ==============================================================
``config.json``                 the stage's settings, written when the run starts
``training-state.safetensors``  every network and its optimizer's momentum, the step and any
                                extra data (:mod:`training.state`): where a killed run resumes
``log.csv``                     one row per checkpoint; a resumed run keeps the rows up to its
                                saved step (:func:`continue_log`) and appends
``<network>.safetensors``       the network, a normal checkpoint (:mod:`nets.checkpoint`)
``<stage>.png``                 the log plotted, redrawn by the stage after each row
==============================  ==============================================================

A stage opens a :class:`Run` (which writes ``config.json``), builds its networks and optimizers
(its *parts*), takes the step to start from with :meth:`Run.resume`, then hands :meth:`Run.train`
its own training step and log row. At every checkpoint the network, the training state, the log
row and the plot are written in that order, each file atomically, so a run killed anywhere
resumes from its last complete state; nothing is pickled.
"""
from __future__ import annotations

import csv
import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable, TypeVar

import torch

from common.files import atomic_write
from nets.checkpoint import CheckpointInfo, save_checkpoint

from .state import load_training_state, save_training_state

Parts = dict[str, tuple[torch.nn.Module, torch.optim.Optimizer]]
Result = TypeVar("Result")


def continue_log(path: Path, columns: list[str], key: str, done: int) -> None:
    """Start the CSV log, or keep only its rows up to ``done`` (``key`` column): a killed run may
    have logged work that its last saved state does not hold."""
    rows = [r for r in csv.DictReader(path.open()) if int(r[key]) <= done] if path.exists() and done > 0 else []
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)


class Run:
    """One stage's run in the folder ``out`` (created): ``settings`` saved as ``config.json``, a
    log with ``columns`` (``seconds`` among them) counted by its ``key`` column, the network saved
    as ``network``. A folder
    whose saved settings differ in any ``same`` key (``"network"``: another shape) is refused
    with ValueError before anything is written."""

    def __init__(self, out: str | Path, settings: dict, columns: list[str], network: str, key: str = "step",
                 same: tuple[str, ...] = ()) -> None:
        self.out = Path(out)
        self.columns, self.key = columns, key
        self.network_path = self.out / network
        self.state_path = self.out / "training-state.safetensors"
        self.log_path = self.out / "log.csv"
        self.out.mkdir(parents=True, exist_ok=True)
        saved = self.out / "config.json"
        if same and saved.exists():
            previous = json.loads(saved.read_text())
            for name in same:
                if previous.get(name) != settings[name]:
                    raise ValueError(f"{self.out} holds a run of another {name} ({previous.get(name)}); use another --out")
        atomic_write(saved, lambda temporary: Path(temporary).write_text(json.dumps(settings, indent=2)))

    def resume(self, parts: Parts) -> tuple[int, dict]:
        """Restore ``parts`` in place from the saved state and continue the log; returns (step,
        extra data), (0, {}) for a run that starts afresh."""
        step, extra = load_training_state(self.state_path, parts) if self.state_path.exists() else (0, {})
        continue_log(self.log_path, self.columns, self.key, step)
        return step, extra

    def train(self, parts: Parts, step: int, total: int, train_step: Callable[[int], Result],
              report: Callable[[int, list[Result]], dict], model: torch.nn.Module, info: CheckpointInfo, *,
              every: tuple[int, ...] = (1,), plot: Callable[[dict], None] | None = None,
              extra: Callable[[], dict] | None = None, progress: Callable[[int, Result], None] | None = None) -> dict:
        """From ``step`` to ``total``: ``train_step(step)`` takes one step and returns its result;
        after the steps that are a multiple of one of ``every``, and after the last, a checkpoint:
        the log row ``report(step, results since the last row)`` with ``seconds`` added, ``model``
        saved with ``info`` at this step, the training state of ``parts`` (and ``extra()``), the
        row appended to the log, ``plot(row)``. ``progress(step, result)`` follows every step.
        Returns the last row ({} when there was nothing left to do)."""
        start = time.perf_counter()
        results: list[Result] = []
        row: dict = {}
        while step < total:
            result = train_step(step)
            results.append(result)
            step += 1
            if step == total or any(step % n == 0 for n in every):
                row = {**report(step, results), "seconds": round(time.perf_counter() - start, 1)}
                results = []
                save_checkpoint(self.network_path, model, replace(info, step=step))
                save_training_state(self.state_path, parts, step, extra() if extra else None)
                with self.log_path.open("a", newline="") as handle:
                    csv.DictWriter(handle, self.columns).writerow(row)
                if plot:
                    plot(row)
            if progress:
                progress(step, result)
        return row
