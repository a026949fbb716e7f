"""Train several SL policy shapes side by side on one GPU within a fixed time, through
``tengen train sl``, and pack the runs into one archive (the device tool brings back few files).

Each shape is first run for a few hundred steps to measure its rate with the others running
beside it; then each gets the number of steps that fits ``--seconds`` at that rate (at most
``--max-steps``), with the learning rate halved five times over the run.

    python3 scripts/gpu_sl_sweep.py --data data9 --shapes 48x6,64x6,96x6 --seconds 300 --out OUT

writes OUT/sl-sweep.tar.gz (each run's folder, without the optimizer state) and OUT/sl-sweep.json
(per shape: steps, steps/s, the last held-out top-1/top-5/loss). The plot, from the runs' logs:

    python3 scripts/gpu_sl_sweep.py --plot bench_results/sl9c-*-log.csv --png bench_results/sl9c-sweep.png
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def train_command(data: str, out: Path, shape: str, steps: int, batch_size: int, device: str,
                  every: int | None = None) -> list[str]:
    """``tengen train sl`` for one shape (``FILTERSxLAYERS``), evaluating every ``every`` steps
    (default: 40 times over the run)."""
    filters, layers = (int(part) for part in shape.split("x"))
    every = every or max(steps // 40, 25)
    settings = {"data": data, "out": str(out), "net.filters": filters, "net.layers": layers,
                "optimizer.batch_size": batch_size, "optimizer.learning_rate": 0.05,
                "optimizer.lr_halving_steps": max(steps // 5, 1), "steps": steps, "eval_every": every,
                "checkpoint_every": every, "device": device, "rollout_policy": "false"}
    command = [sys.executable, "-m", "tengen", "train", "sl"]
    for key, value in settings.items():
        command += ["--set", f"{key}={value}"]
    return command


def run_all(commands: dict[str, list[str]], timeout: float, logs: Path) -> None:
    """Run the commands side by side; any still running after ``timeout`` seconds is stopped
    (its last checkpoint stays)."""
    logs.mkdir(parents=True, exist_ok=True)
    processes = {shape: subprocess.Popen(command, cwd=ROOT, stdout=(logs / f"{shape}.log").open("w"),
                                         stderr=subprocess.STDOUT) for shape, command in commands.items()}
    deadline = time.monotonic() + timeout
    for shape, process in processes.items():
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 1))
        except subprocess.TimeoutExpired:
            process.kill()
            print(f"{shape}: stopped at the time limit", flush=True)


def log_rows(run: Path) -> list[dict]:
    path = run / "log.csv"
    return list(csv.DictReader(path.open())) if path.exists() else []


def plot(logs: list[Path], png: Path) -> None:
    """Held-out top-1 and loss against training positions seen, one line per shape (the shape
    is read from the log's name, ``...-FxL-log.csv``)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for log in logs:
        rows = list(csv.DictReader(log.open()))
        shape = log.name.removesuffix("-log.csv").rsplit("-", 1)[-1]
        steps = [int(r["step"]) for r in rows]
        left.plot(steps, [float(r["heldout_top1"]) for r in rows], label=shape)
        right.plot(steps, [float(r["heldout_loss"]) for r in rows], label=shape)
    left.set_xlabel("step (256 positions each)")
    left.set_ylabel("held-out top-1")
    right.set_xlabel("step (256 positions each)")
    right.set_ylabel("held-out cross-entropy")
    left.legend()
    right.legend()
    figure.suptitle("SL policy shapes, trained side by side on one GPU")
    figure.tight_layout()
    figure.savefig(png)
    plt.close(figure)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="shard folder (tengen data shards)")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--plot", type=Path, nargs="+", help="only plot these runs' log.csv files (into --png)")
    parser.add_argument("--png", type=Path, default=Path("sl-sweep.png"))
    parser.add_argument("--shapes", default="48x6,64x6,96x6")
    parser.add_argument("--seconds", type=float, default=300, help="training time per shape (side by side)")
    parser.add_argument("--max-steps", type=int, default=40000)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--work", type=Path, default=Path("/tmp/sl-sweep"))
    parser.add_argument("--deadline", type=float, default=None,
                        help="wall seconds for everything; runs still going then are stopped and packed")
    args = parser.parse_args()
    if args.plot:
        plot(args.plot, args.png)
        return 0
    if not args.data or not args.out:
        parser.error("--data and --out are needed to train")
    for shape in args.shapes.split(","):
        if not re.fullmatch(r"[1-9][0-9]*x[1-9][0-9]*", shape):
            parser.error(f"--shapes: {shape!r} is not FILTERSxLAYERS (e.g. 64x6)")
    began = time.monotonic()
    deadline = args.deadline or (args.seconds * 1.5 + 240)
    shapes = args.shapes.split(",")
    calibration_steps = 300
    calibrate = {shape: train_command(args.data, args.work / f"calibrate-{shape}", shape, calibration_steps,
                                      args.batch_size, args.device, every=100) for shape in shapes}
    run_all(calibrate, min(150, deadline / 4), args.work / "logs-calibrate")
    summary = {}
    for shape in shapes:
        rows = log_rows(args.work / f"calibrate-{shape}")
        if len(rows) < 2:
            print(f"{shape}: calibration wrote no log, left out:", flush=True)
            print((args.work / "logs-calibrate" / f"{shape}.log").read_text()[-2000:], flush=True)
            continue
        first, last = rows[0], rows[-1]
        rate = (int(last["step"]) - int(first["step"])) / max(float(last["seconds"]) - float(first["seconds"]), 1e-3)
        remaining = deadline - (time.monotonic() - began) - 30
        summary[shape] = {"steps_per_s_side_by_side": round(rate, 1),
                          "steps": int(min(args.max_steps, rate * min(args.seconds, remaining)) // 100 * 100)}
    print(json.dumps(summary), flush=True)
    shapes = [shape for shape in shapes if shape in summary]
    runs = {shape: train_command(args.data, args.work / f"sl-{shape}", shape, summary[shape]["steps"],
                                 args.batch_size, args.device) for shape in shapes}
    started = time.perf_counter()
    run_all(runs, deadline - (time.monotonic() - began) - 15, args.work / "logs")
    for shape in shapes:
        rows = log_rows(args.work / f"sl-{shape}")
        if rows:
            summary[shape].update({key: float(rows[-1][key]) for key in ("step", "heldout_top1", "heldout_top5",
                                                                         "heldout_loss", "seconds")})
    summary["wall_seconds"] = round(time.perf_counter() - started, 1)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "sl-sweep.json").write_text(json.dumps(summary, indent=2))
    with tarfile.open(args.out / "sl-sweep.tar.gz", "w:gz") as archive:
        for shape in shapes:
            run = args.work / f"sl-{shape}"
            for name in ("config.json", "log.csv", "policy.safetensors"):
                if (run / name).exists():
                    archive.add(run / name, arcname=f"sl-{shape}/{name}")
            if (args.work / "logs" / f"{shape}.log").exists():
                archive.add(args.work / "logs" / f"{shape}.log", arcname=f"sl-{shape}/train.log")
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
