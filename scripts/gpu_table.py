"""The GPU figures of the README, in one run: check the CUDA path (the gpu-marked tests), then
MCTS simulations/s and the bare network's positions/s for batch sizes 16..1024.

On a GPU machine:   python scripts/gpu_table.py --out DIR            (writes DIR/gpu_table.md and .jsonl)
Into the README:    python scripts/gpu_table.py --from-jsonl DIR/gpu_table.jsonl --readme README.md
"""
from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

START, END = "<!-- gpu-table:start -->", "<!-- gpu-table:end -->"


def measure(device: str, batches: list[int], size: int, selfplay_games: list[int]) -> list[dict]:
    """One search at each batch size, then ``selfplay_games`` games searched together (16 leaves
    each), as self-play runs them."""
    from common.settings import apply_settings
    from tengen.bench import MctsBenchConfig, mcts_benchmark

    runs = [dict(batch=b, games=1, visits=max(4000, 8 * b)) for b in batches]
    runs += [dict(batch=16, games=g, visits=400) for g in selfplay_games]
    rows = []
    for run in runs:
        row = mcts_benchmark(apply_settings(MctsBenchConfig(), {
            "size": size, "evaluator": "network", "nets.device": device, "threads": None, "nn_seconds": 2.0,
            "search.batch_size": run["batch"], "games": run["games"], "visits": run["visits"]}))
        row.pop("networks", None)
        row.pop("search", None)
        print(json.dumps(row), flush=True)
        rows.append(row)
    return rows


def table(rows: list[dict], header: dict) -> str:
    lines = [f"Measured on {header['gpu']} (torch {header['torch']}, Python {header['python']}), "
             f"{rows[0]['size']}x{rows[0]['size']}, default NetConfig (policy + value, random weights), fp16, rollouts off:",
             "", "| games searched together | leaves per network call | MCTS simulations/s | network alone, positions/s | ratio |",
             "|---|---|---|---|---|"]
    for row in rows:
        games = row.get("games", 1)
        lines.append(f"| {games} | {row['batch'] * games} | {row['sims_per_s']:,.0f} | {row['nn_positions_per_s']:,.0f} "
                     f"| {row['ratio']:.2f} |")
    return "\n".join(lines) + "\n"


def splice(readme: Path, text: str) -> None:
    content = readme.read_text()
    before, _, rest = content.partition(START)
    _, _, after = rest.partition(END)
    readme.write_text(f"{before}{START}\n{text}{END}{after}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="folder for gpu_table.md and gpu_table.jsonl")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--size", type=int, default=9)
    parser.add_argument("--batches", default="16,32,64,128,256,512,1024")
    parser.add_argument("--selfplay-games", default="16,64", help="games searched together (16 leaves each)")
    parser.add_argument("--skip-tests", action="store_true")
    parser.add_argument("--from-jsonl", type=Path, help="make the table from an earlier run's gpu_table.jsonl")
    parser.add_argument("--readme", type=Path, help="write the table into this README between the gpu-table markers")
    args = parser.parse_args()
    if args.from_jsonl:
        lines = [json.loads(line) for line in args.from_jsonl.read_text().splitlines() if line.strip()]
        header, rows = lines[0], lines[1:]
    else:
        import torch

        header = {"gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU (CPU)",
                  "torch": torch.__version__, "python": platform.python_version()}
        print(json.dumps(header), flush=True)
        if not args.skip_tests:
            tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-m", "gpu", "-p", "no:cacheprovider",
                                    "tests/nets"], cwd=Path(__file__).resolve().parents[1])
            header["gpu_tests_passed"] = tests.returncode == 0
        rows = measure(args.device, [int(b) for b in args.batches.split(",")], args.size,
                       [int(g) for g in args.selfplay_games.split(",") if g])
    text = table(rows, header)
    print(text)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "gpu_table.md").write_text(text)
        (args.out / "gpu_table.jsonl").write_text("\n".join(json.dumps(r) for r in [header] + rows) + "\n")
    if args.readme:
        splice(args.readme, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
