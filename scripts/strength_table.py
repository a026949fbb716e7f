"""The strength table of the README: refereed 9x9 matches (komi 7.5, area scoring, colours
alternating, GNU Go 3.8 as the scorer of every game), one JSON line per game under
``bench_results/strength/<row>.jsonl`` (each game's record in ``sgf/<row>/``) so that an interrupted row resumes where it stopped.

    python scripts/strength_table.py --rows sl-vs-gnugo,rl-vs-sl --games 50   # play (resumes)
    python scripts/strength_table.py --rows engine-vs-gnugo --shard 0/2 &     # two processes,
    python scripts/strength_table.py --rows engine-vs-gnugo --shard 1/2       # one core each
    python scripts/strength_table.py --report                                # table + plot

Each Tengen engine runs on one core (OMP_NUM_THREADS=1, NUMBA_NUM_THREADS=1). GNU Go gets a
different ``--seed`` per game, and the raw policies sample their moves (temperature 1, as AlphaGo
measured its policy networks), and every Tengen engine a different ``seed``, so no two games repeat.
"""
from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gogame.rules import Rules  # noqa: E402
from gtp.client import find_gnugo  # noqa: E402
from selfplay.match import MatchConfig, play_game, wilson_interval  # noqa: E402

WEIGHTS = ROOT / "nets" / "weights"
ONE_CORE = "env OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 MKL_NUM_THREADS=1"
TENGEN = f"{ONE_CORE} {shlex.quote(sys.executable)} -m tengen gtp --device cpu --set rules.ko=simple --set seed={{seed}}"


def gnugo(level: int) -> str:
    path = find_gnugo()
    if path is None:
        raise SystemExit("GNU Go is needed (apt-get install gnugo)")
    return f"{path} --mode gtp --chinese-rules --level {level} --seed {{seed}}"


def rows_for(weights: Path) -> dict[str, tuple[str, str, str]]:
    """Row name -> (label, engine A, engine B) with the networks of the folder ``weights``; A is
    the one whose win rate is reported."""
    def policy(name: str) -> str:
        return f"{TENGEN} --set player=policy --weights {weights / name}"

    def engine(*networks: str) -> str:
        return f"{TENGEN} --time 1 " + " ".join(networks)

    sl, rollout, value = (weights / name for name in ("policy-9x9.safetensors", "rollout-9x9.safetensors",
                                                        "value-9x9.safetensors"))
    return {
        "sl-vs-gnugo": ("raw SL policy vs GNU Go level 10", policy("policy-9x9.safetensors"), gnugo(10)),
        "rl-vs-gnugo": ("raw RL policy vs GNU Go level 10", policy("policy-rl-9x9.safetensors"), gnugo(10)),
        "engine-vs-gnugo": ("full engine (SL priors + value + rollouts, MCTS, 1 s/move) vs GNU Go level 10",
                            engine(f"--weights {sl}", f"--value-weights {value}", f"--set nets.rollout_weights={rollout}"),
                            gnugo(10)),
        "rollouts-vs-gnugo": ("engine without the value network (SL priors + rollouts only, MCTS, 1 s/move) "
                              "vs GNU Go level 10", engine(f"--weights {sl}", f"--set nets.rollout_weights={rollout}"),
                              gnugo(10)),
        "rl-vs-sl": ("raw RL policy vs raw SL policy", policy("policy-rl-9x9.safetensors"),
                     policy("policy-9x9.safetensors")),
    }


ROWS = rows_for(WEIGHTS)
OUT = ROOT / "bench_results" / "strength"


def play_row(name: str, games: int, shard: int = 0, shards: int = 1, weights: Path = WEIGHTS, out: Path = OUT) -> None:
    """Play the games of row ``name`` numbered ``shard`` modulo ``shards`` that are not played
    yet (several processes can share a row, one shard each, one file each) with the networks in
    ``weights``, into the folder ``out``."""
    label, engine_a, engine_b = rows_for(weights)[name]
    out.mkdir(parents=True, exist_ok=True)
    path = out / (f"{name}.jsonl" if shards == 1 else f"{name}.shard-{shard}-of-{shards}.jsonl")
    played = {json.loads(line)["game"] for line in path.read_text().splitlines()} if path.exists() else set()
    config = MatchConfig(size=9, rules=Rules(ko="simple", komi=7.5), scorer=gnugo(10).replace(" --seed {seed}", ""))
    for number in range(shard, games, shards):
        if number + 1 in played:
            continue
        a_black = number % 2 == 0
        command_a, command_b = (c.replace("{seed}", str(number + 1)) for c in (engine_a, engine_b))
        report = play_game(command_a if a_black else command_b, command_b if a_black else command_a, config)
        a_color = "B" if a_black else "W"
        score = 0.5 if report.winner == 0 else float(report.result.startswith(a_color + "+"))
        row = {"row": name, "game": number + 1, "a_color": a_color, "result": report.result, "moves": report.moves,
               "a_score": score, "void": report.result == "Void", "final_scores": report.final_scores,
               "disagreements": report.disagreements}
        sgf = out / "sgf" / name / f"game-{number + 1:03d}.sgf"
        sgf.parent.mkdir(parents=True, exist_ok=True)
        sgf.write_bytes(report.sgf)
        with path.open("a") as handle:
            handle.write(json.dumps(row) + "\n")
        print(f"{name} game {number + 1}/{games}: A as {a_color}, {report.result} after {report.moves} moves", flush=True)


def _networks_of(row: tuple[str, str, str]) -> list[Path]:
    """The network files named on a row's command lines."""
    return [Path(word.split("=", 1)[-1]) for command in row[1:] for word in shlex.split(command)
            if word.endswith(".safetensors")]


def summarise(out: Path = OUT) -> list[dict]:
    rows = []
    for name, (label, _, _) in ROWS.items():
        paths = sorted(out.glob(f"{name}.jsonl")) + sorted(out.glob(f"{name}.shard-*.jsonl"))
        if not paths:
            continue
        games = [json.loads(line) for path in paths for line in path.read_text().splitlines()]
        counted = [g for g in games if not g["void"]]
        wins = sum(g["a_score"] for g in counted)
        low, high = wilson_interval(wins, len(counted))
        rows.append({"row": name, "label": label, "games": len(counted), "wins": wins,
                     "win_rate": wins / len(counted) if counted else 0.0, "low": low, "high": high,
                     "void": len(games) - len(counted)})
    return rows


def report(rows: list[dict], png: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    print("| match | games | wins of the first | win rate | 95% interval |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['label']} | {r['games']} | {r['wins']:g} | **{r['win_rate']:.0%}** | {r['low']:.0%} .. {r['high']:.0%} |")
    figure, axis = plt.subplots(figsize=(7, 0.6 + 0.6 * len(rows)))
    for y, r in enumerate(rows):
        axis.errorbar(r["win_rate"], y, xerr=[[r["win_rate"] - r["low"]], [r["high"] - r["win_rate"]]], fmt="o", capsize=4)
    axis.set_yticks(range(len(rows)), [r["row"] for r in rows])
    axis.axvline(0.5, color="grey", linewidth=0.5)
    axis.axvline(0.8, color="grey", linewidth=0.5, linestyle="--")
    axis.set_xlim(0, 1)
    axis.set_xlabel("win rate of the first engine (95% Wilson interval), 9x9, komi 7.5")
    figure.tight_layout()
    figure.savefig(png)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", help=f"comma-separated rows to play: {', '.join(ROWS)}")
    parser.add_argument("--games", type=int, default=50)
    parser.add_argument("--shard", default="0/1", metavar="K/N",
                        help="play only the games numbered K modulo N (run N processes, K = 0..N-1)")
    parser.add_argument("--report", action="store_true", help="print the table and write the plot (--png)")
    parser.add_argument("--weights", type=Path, default=WEIGHTS,
                        help="folder of the networks to measure (policy-9x9, policy-rl-9x9, value-9x9, rollout-9x9)")
    parser.add_argument("--out", type=Path, default=OUT, help="folder of the games' JSON lines and SGF records")
    parser.add_argument("--png", type=Path, default=ROOT / "bench_results" / "strength.png")
    args = parser.parse_args()
    names = args.rows.split(",") if args.rows else []
    for name in names:
        if name not in ROWS:
            raise SystemExit(f"unknown row {name!r}: expected one of {', '.join(ROWS)}")
    missing = sorted({str(path) for name in names for path in _networks_of(rows_for(args.weights.resolve())[name])
                      if not path.is_file()})
    if missing:  # found out before the first game, not as a crash of every engine
        raise SystemExit(f"--weights {args.weights}: missing {', '.join(missing)}")
    for name in names:
        shard, shards = (int(part) for part in args.shard.split("/"))
        play_row(name, args.games, shard, shards, args.weights.resolve(), args.out.resolve())
    if args.report:
        report(summarise(args.out), args.png)


if __name__ == "__main__":
    main()
