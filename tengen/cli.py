"""``tengen`` and its subcommands. Parsing and dispatch only: the work is in the packages."""
from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import shutil
import sys
from pathlib import Path

# Idle OpenMP threads sleep instead of spinning. Torch and numba's parallel features both run
# OpenMP teams; with the default (spin a while before sleeping) a team waiting for work burns a
# core that the search, the other worker threads or another process needs: on a loaded 2-core
# machine self-play with the bundled networks ran 17 times slower (9.1 s against 0.54 s for one
# small game, session 6). Read by the OpenMP runtimes when they start, so before torch or numba
# load; a value the user set is kept.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _add_bench(subparsers) -> None:
    bench = subparsers.add_parser("bench", help="measure speed")
    kinds = bench.add_subparsers(dest="bench_kind", required=True)
    rules = kinds.add_parser("rules", help="random playouts/s and feature extraction/s of the rules engine")
    rules.add_argument("--size", type=int, action="append", help="board size (repeatable; default 9 and 19)")
    rules.add_argument("--seconds", type=float, default=5.0, help="timed seconds per measurement (default 5)")
    rules.add_argument("--seed", type=int, default=1)
    rules.add_argument("--reference", metavar="BINARY",
                       help="the compiled shared/bench/ref_playout, run in the same command for the ratio")
    rules.add_argument("--features", action="store_true", help="also time 48-plane feature extraction")
    rules.add_argument("--json", action="store_true", help="one JSON object per size on stdout")
    rules.set_defaults(handler=_bench_rules)
    mcts = kinds.add_parser("mcts", help="MCTS simulations/s against the raw network speed, same run")
    mcts.add_argument("--size", type=int, help="board size (default 9)")
    mcts.add_argument("--visits", type=int, help="simulations per game (default 3200)")
    mcts.add_argument("--batch", type=int, help="leaves per network call: search.batch_size (default 16)")
    mcts.add_argument("--evaluator", choices=["network", "uniform", "rollout"], help="default network")
    mcts.add_argument("--weights", help="policy (or dual) checkpoint; default: the default NetConfig, random weights")
    mcts.add_argument("--value-weights", help="value network checkpoint (with --weights)")
    mcts.add_argument("--device", choices=["auto", "cpu", "cuda"], help="where the networks run (default auto)")
    mcts.add_argument("--rollouts", type=float, metavar="LAMBDA",
                      help="AlphaGo's mixing weight of rollout outcomes: search.rollout_weight (default 0 = off)")
    mcts.add_argument("--threads", type=int, help="torch CPU threads (default 1: one core)")
    mcts.add_argument("--games", type=int, help="games searched together, leaves batched across them (default 1)")
    mcts.add_argument("--json", action="store_true")
    _add_settings_options(mcts, "tengen.bench.MctsBenchConfig, e.g. search.c_puct=2.0 search.fpu_reduction=0")
    mcts.set_defaults(handler=_bench_mcts)
    selfplay = kinds.add_parser("selfplay", help="self-play simulations/s per thread count against the raw network "
                                                  "speed at the same batch, same run")
    selfplay.add_argument("--size", type=int, help="board size (default 9)")
    selfplay.add_argument("--games", type=int, help="games per worker thread: selfplay.games_per_thread (default 8)")
    selfplay.add_argument("--threads", help="worker thread counts to measure in turn, e.g. 1,2 (default 1,2)")
    selfplay.add_argument("--visits", type=int, help="simulations per move (default 200)")
    selfplay.add_argument("--seconds", type=float, help="timed seconds per thread count (default 20)")
    selfplay.add_argument("--evaluator", choices=["network", "uniform", "rollout"], help="default network")
    selfplay.add_argument("--weights", help="policy (or dual) checkpoint; default: the default NetConfig, random weights")
    selfplay.add_argument("--value-weights", help="value network checkpoint (with --weights)")
    selfplay.add_argument("--device", choices=["auto", "cpu", "cuda"], help="where the networks run (default auto)")
    selfplay.add_argument("--json", action="store_true", help="one JSON object per thread count")
    _add_settings_options(selfplay, "tengen.bench.SelfPlayBenchConfig, e.g. selfplay.search.batch_size=16")
    selfplay.set_defaults(handler=_bench_selfplay)


def _bench_rules(args) -> int:
    from gogame.bench import feature_benchmark, playout_benchmark, run_reference
    from gogame.coords import check_size

    sizes = args.size or [9, 19]
    for size in sizes:
        check_size(size)
    if args.seconds <= 0:
        raise ValueError(f"--seconds must be positive, got {args.seconds}")
    for size in sizes:
        result = playout_benchmark(size, args.seconds, args.seed)
        if args.features:
            result["features_per_s"] = feature_benchmark(size, min(args.seconds, 3.0), args.seed)["features_per_s"]
        if args.reference:
            reference = run_reference(args.reference, size, args.seconds)
            result["reference_playouts_per_s"] = reference["playouts_per_s"]
            result["reference_moves_per_playout"] = reference["moves_per_playout"]
            result["reference_black_win_rate"] = reference["black_win_rate"]
            result["ratio"] = round(result["playouts_per_s"] / reference["playouts_per_s"], 3)
        line = (f"{size}x{size}: {result['playouts_per_s']:,.0f} playouts/s, "
                f"{result['moves_per_playout']:.2f} stones/playout, Black wins {result['black_win_rate']:.4f}")
        if "ratio" in result:
            line += f", {result['ratio']:.2f}x the C reference ({result['reference_playouts_per_s']:,.0f}/s)"
        if "features_per_s" in result:
            line += f", {result['features_per_s']:,.0f} feature sets/s"
        _report(result, line, args.json)
    return 0


def _report(figures: dict, line: str, as_json: bool) -> None:
    """A benchmark's figures: one JSON object, or the human line."""
    print(json.dumps(figures) if as_json else line, flush=True)


def _add_settings_options(parser: argparse.ArgumentParser, keys: str) -> None:
    parser.add_argument("--config", metavar="FILE", help=f"TOML settings file (keys of {keys.split(',')[0]})")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help=f"override a setting (keys of {keys})")


def _settings(args, base, flags: dict[str, str]):
    """``base``, then the TOML file, then ``--set``, then the flags given (shorthands for keys)."""
    from common.settings import load_settings, parse_assignments

    overrides: dict[str, object] = parse_assignments(args.set)
    overrides.update({key: getattr(args, flag) for flag, key in flags.items() if getattr(args, flag) is not None})
    return load_settings(base, args.config, overrides)


def _add_engine_options(parser: argparse.ArgumentParser) -> None:
    limits = parser.add_mutually_exclusive_group()
    limits.add_argument("--visits", type=int, help="playouts per move")
    limits.add_argument("--time", type=float, metavar="SECONDS", help="seconds per move (default 3 when no time system is set)")
    parser.add_argument("--weights", metavar="PATH", help="policy (or dual) network checkpoint; default: the bundled one, if any")
    parser.add_argument("--value-weights", metavar="PATH", help="value network checkpoint")
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], help="where the networks run (default auto)")
    parser.add_argument("--config", metavar="FILE", help="TOML settings file")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a setting, e.g. search.c_puct=2.0, rules=japanese, rules.ko=simple, rules.komi=6.5, "
                             "boardsize=9, time.visits=800 (README, \"Settings\", lists every key)")


def _engine_config(args):
    from gtp.config import EngineConfig

    return _settings(args, EngineConfig(), {"visits": "time.visits", "time": "time.seconds", "weights": "nets.weights",
                                           "value_weights": "nets.value_weights", "device": "nets.device"})


def _gtp(args) -> int:
    from gtp.server import serve
    from tengen.wiring import build_engine, describe

    config = _engine_config(args)
    protocol_out = sys.stdout
    sys.stdout = sys.stderr  # nothing but protocol text may reach the controller
    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    engine = build_engine(config, log=log)
    log(f"Tengen: {describe(config)}; rules {config.rules}; warming up")
    engine.searcher.warm_up()
    log("ready")
    serve(engine, sys.stdin.buffer, protocol_out)
    protocol_out.flush()
    sys.stderr.flush()
    # the reader thread may still be blocked on stdin (a controller that sent quit keeps the
    # pipe open); a normal interpreter exit would abort on its buffer lock, so leave directly
    os._exit(0)


def _analysis(args) -> int:
    from gtp.json_analysis import AnalysisEngine, json_writer, serve_analysis
    from search.mcts import MCTS
    from tengen.wiring import build_searcher, describe

    config = _engine_config(args)
    if config.player != "mcts":
        raise ValueError(f"tengen analysis searches with MCTS: player={config.player} has no tree to analyse")
    if args.positions < 1:
        raise ValueError(f"--positions must be at least 1, got {args.positions}")
    protocol_out = sys.stdout
    sys.stdout = sys.stderr  # nothing but JSON lines may reach the client
    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    searcher = build_searcher(config)
    assert isinstance(searcher, MCTS)
    log(f"Tengen analysis engine: {describe(config)}; warming up")
    searcher.warm_up()
    engine = AnalysisEngine(searcher, json_writer(protocol_out), default_visits=config.time.visits or 500,
                            positions_per_batch=args.positions, log=log, default_size=config.boardsize)
    log("ready")
    serve_analysis(engine, sys.stdin.buffer)
    log(f"done: {engine.analysed} positions, {engine.counter.calls} network calls, mean batch "
        f"{engine.counter.mean:.1f} positions")
    protocol_out.flush()
    sys.stderr.flush()
    os._exit(0)  # as _gtp: the reader thread may still block on stdin


def _play(args) -> int:
    from gogame.board_nb import BLACK, WHITE
    from gtp.terminal import play_in_terminal
    from tengen.wiring import build_engine

    engine = build_engine(_engine_config(args))
    engine.searcher.warm_up()
    play_in_terminal(engine, BLACK if args.color == "black" else WHITE, input, sys.stdout)
    return 0


def _match(args) -> int:
    from gogame.rules import Rules
    from selfplay.match import MatchConfig, play_match

    if args.games < 1:
        raise ValueError(f"--games must be at least 1, got {args.games}")
    if args.scorer and not shutil.which(shlex.split(args.scorer)[0]):
        # found out before the first game, not after it
        raise ValueError(f"--scorer: no such program {shlex.split(args.scorer)[0]!r}")
    config = MatchConfig(size=args.size, rules=Rules(ko="simple", komi=args.komi),
                         sgf_dir=None if args.sgf_dir is None else Path(args.sgf_dir), scorer=args.scorer)

    def progress(number: int, report) -> None:
        flag = f"  DISAGREEMENTS: {report.disagreements}" if report.disagreements else ""
        print(f"game {number + 1}/{args.games}: {report.black} (B) vs {report.white} (W): {report.result} "
              f"after {report.moves} moves{flag}", file=sys.stderr, flush=True)

    summary = play_match(args.engine_a, args.engine_b, args.games, config, on_game=progress)
    low, high = summary.interval()
    result = {"games": summary.games, "wins_a": summary.wins_a, "win_rate_a": round(summary.win_rate, 4),
              "interval95": [round(low, 4), round(high, 4)],
              "disagreements": sum(len(r.disagreements) for r in summary.reports)}
    line = (f"A wins {summary.wins_a:g}/{summary.games} = {summary.win_rate:.1%} (95% interval {low:.1%}..{high:.1%}), "
            f"{result['disagreements']} disagreements")
    if summary.games:
        from selfplay.ratings import elo_difference

        elo, elo_low, elo_high = elo_difference(summary.wins_a, summary.games)
        # JSON has no infinity: a clean sweep's open end is null
        result["elo_a"] = [None if math.isinf(v) else round(v, 1) for v in (elo, elo_low, elo_high)]
        line += f"; A's Elo over B {elo:+.0f} (95% interval {elo_low:+.0f}..{elo_high:+.0f})"
    print(json.dumps(result) if args.json else line)
    return 0


def _bench_mcts(args) -> int:
    import numba
    import torch

    from tengen.bench import MctsBenchConfig, mcts_benchmark

    config = _settings(args, MctsBenchConfig(), {
        "size": "size", "visits": "visits", "games": "games", "evaluator": "evaluator", "threads": "threads",
        "batch": "search.batch_size", "rollouts": "search.rollout_weight", "weights": "nets.weights",
        "value_weights": "nets.value_weights", "device": "nets.device"})
    if config.threads:  # one core by default: the figure engine authors compare
        torch.set_num_threads(config.threads)
        numba.set_num_threads(min(config.threads, numba.config.NUMBA_NUM_THREADS))
    figures = mcts_benchmark(config)
    line = (f"{config.size}x{config.size} {config.evaluator} batch {config.search.batch_size} on {figures['device']}: "
            f"{figures['sims_per_s']:,.0f} simulations/s")
    if "ratio" in figures:
        line += f", network alone {figures['nn_positions_per_s']:,.0f} positions/s, ratio {figures['ratio']:.2f}"
    _report(figures, line, args.json)
    return 0


def _bench_selfplay(args) -> int:
    import numba
    import torch

    from tengen.bench import SelfPlayBenchConfig, selfplay_benchmark

    config = _settings(args, SelfPlayBenchConfig(), {
        "size": "selfplay.size", "games": "selfplay.games_per_thread", "threads": "threads", "visits": "visits",
        "seconds": "seconds", "evaluator": "evaluator", "weights": "nets.weights",
        "value_weights": "nets.value_weights", "device": "nets.device"})

    def set_threads(count: int) -> None:
        torch.set_num_threads(count)
        numba.set_num_threads(min(count, numba.config.NUMBA_NUM_THREADS))

    for figures in selfplay_benchmark(config, set_threads):
        line = (f"{figures['size']}x{figures['size']} {figures['evaluator']} on {figures['device']}, "
                f"{figures['threads']} thread(s) x {figures['games_per_thread']} games: "
                f"{figures['sims_per_s']:,.0f} simulations/s, {figures['moves_per_s']:.1f} moves/s, "
                f"{figures['games_per_s']:.2f} games/s, mean batch {figures['mean_batch']}")
        if "ratio" in figures:
            line += f", network alone {figures['nn_positions_per_s']:,.0f} positions/s, ratio {figures['ratio']:.2f}"
        if "speedup" in figures:
            line += f", {figures['speedup']:.2f}x the first"
        _report(figures, line + f", peak {figures['peak_rss_mib']:.0f} MiB", args.json)
    return 0


def _data_games(args) -> int:
    from tqdm import tqdm

    from selfplay.expert import ExpertGamesConfig, generate_expert_games

    if args.games < 1:
        raise ValueError(f"--games must be at least 1, got {args.games}")
    config = ExpertGamesConfig(engine=args.engine, opponent=args.opponent, size=args.size, komi=args.komi,
                               games=args.games, levels=tuple(int(v) for v in args.levels.split(",")),
                               opening_moves=args.opening_moves, seed=args.seed, workers=args.workers or os.cpu_count() or 1)
    with tqdm(total=args.games, desc="games", unit="game", file=sys.stderr) as bar:
        bar.update(args.games - sum(1 for i in range(args.games) if not (Path(args.out) / f"game-{i:06d}.sgf").exists()))
        results = generate_expert_games(config, Path(args.out), progress=lambda done, total: bar.update(1))
    skipped = [r for _, r in results if r.startswith("skipped")]
    print(f"{len(results) - len(skipped)} games written to {args.out}, {len(skipped)} skipped", file=sys.stderr)
    return 0


def _data_shards(args) -> int:
    from training.dataset import ShardConfig, build_shards

    config = ShardConfig(size=args.size, feature_set=args.feature_set, max_handicap=args.max_handicap,
                         min_rank=args.min_rank, heldout_fraction=args.heldout, seed=args.seed)
    sidecar = build_shards(args.sgf, args.out, config)
    print(json.dumps({k: sidecar[k] for k in ("games", "positions", "skipped")}), flush=True)
    return 0


def _train_rl(args) -> int:
    from tqdm import tqdm

    from training.reinforce import RLConfig, train_rl

    config = _settings(args, RLConfig(), {})
    with tqdm(total=config.iterations, desc="rl", unit="iteration", file=sys.stderr) as bar:
        def progress(iteration: int, total: int) -> None:
            bar.n = iteration
            bar.refresh()
        result = train_rl(config, progress)
    print(json.dumps(result), flush=True)
    return 0


def _train_value(args) -> int:
    from tqdm import tqdm

    from training.value import ValueConfig, train_value

    config = _settings(args, ValueConfig(), {})
    bars: dict = {}

    def progress(phase: str, done: int, total: int) -> None:
        if phase not in bars:
            bars[phase] = tqdm(total=total, desc=f"value {phase}", file=sys.stderr)
        bars[phase].n = done
        bars[phase].refresh()

    try:
        result = train_value(config, progress)
    finally:
        for bar in bars.values():
            bar.close()
    print(json.dumps(result), flush=True)
    return 0


def _train_zero(args) -> int:
    from tqdm import tqdm

    from training.zero import ZeroConfig, run_zero

    config = _settings(args, ZeroConfig(), {})
    bar = tqdm(total=config.generations, unit="generation", desc="zero", file=sys.stderr, dynamic_ncols=True)

    def progress(kind: str, figures: dict) -> None:
        if kind == "generation":
            bar.n = figures["generation"]
            bar.set_postfix(games=figures["games"], positions=figures["positions"], reuse=figures["reuse"],
                            policy_loss=figures["policy_loss"], value_loss=figures["value_loss"])
        elif kind == "game":
            bar.set_postfix(generation=figures["generation"] + 1, games=f"{figures['games']}/{figures['of']}")
        elif kind == "evaluation":
            bar.write(f"generation {figures['generation']} scored {figures['score']:.0%} against generation "
                      f"{figures['opponent']}", file=sys.stderr)
        else:
            bar.set_postfix(generation=figures["generation"] + 1, step=f"{figures['step']}/{figures['of']}",
                            loss=f"{figures['loss']:.3f}")
        bar.refresh()

    row = run_zero(config, progress)
    bar.close()
    if not row:  # nothing left to do: the run's last row
        log = Path(config.out) / "log.csv"
        import csv

        rows = list(csv.DictReader(log.open())) if log.exists() else []
        row = rows[-1] if rows else {}
    print(json.dumps(row))
    return 0


def _train_sl(args) -> int:
    from tqdm import tqdm

    from training.supervised import SLConfig, train_sl

    config = _settings(args, SLConfig(), {})
    with tqdm(total=config.steps, desc="sl", unit="step", file=sys.stderr) as bar:
        def progress(step: int, total: int, loss: float) -> None:
            bar.n = step
            bar.set_postfix(loss=f"{loss:.3f}", refresh=False)
            bar.refresh()
        result = train_sl(config, progress)
    print(json.dumps(result), flush=True)
    return 0


def _selfplay(args) -> int:
    import numba
    import torch
    from tqdm import tqdm

    from selfplay.config import SelfPlayConfig
    from selfplay.run import open_store, run_selfplay
    from tengen.wiring import selfplay_evaluator

    config = _settings(args, SelfPlayConfig(), {"size": "size"})
    if args.games < 1 or args.threads < 1:
        raise ValueError(f"--games and --threads must be at least 1, got {args.games} and {args.threads}")
    if args.ray:  # a dead address is said before any network is loaded
        from selfplay.ray_cluster import check_address

        check_address(args.ray)
    evaluator, meta, rollouts, files = selfplay_evaluator(args.weights, args.value_weights, args.device, config.seed)
    open_store(Path(args.out), config, meta)  # an unwritable folder or other settings: said before any game
    from selfplay.inference import joins_batches

    # joined: one network call for all workers, on every core; else each worker's own on one core
    cores = args.threads if joins_batches(evaluator, config.join_batches) else 1
    torch.set_num_threads(cores)
    numba.set_num_threads(min(cores, numba.config.NUMBA_NUM_THREADS))
    bar = tqdm(total=args.games, unit="game", desc="self-play", file=sys.stderr, dynamic_ncols=True)
    import time

    started, positions = time.perf_counter(), [0]

    def progress(game_id: int, played: int, finished: int) -> None:
        positions[0] += played
        bar.n = finished
        bar.set_postfix(positions=positions[0], positions_per_s=f"{positions[0] / (time.perf_counter() - started):.1f}")
        bar.refresh()

    if args.ray:
        from functools import partial

        from selfplay.ray_cluster import run_selfplay_ray
        from tengen.wiring import selfplay_evaluator_from

        factory = partial(selfplay_evaluator_from, device=args.device, seed=config.seed)
        summary = run_selfplay_ray(config, args.ray, Path(args.out), args.games, args.actors, factory, files, meta,
                                   device=evaluator.device.type, on_game=progress)
    else:
        summary = run_selfplay(config, evaluator, Path(args.out), args.games, args.threads, rollouts, meta,
                               on_game=progress)
    bar.close()
    print(json.dumps(summary) if args.json else
          f"{summary['games']} games, {summary['positions']} positions in {args.out}; Black won "
          f"{summary['black_win_rate']:.1%}, {summary['mean_moves']:.1f} moves a game, {summary['resigned']} resigned, "
          f"resignation false positives {summary['resign_false_positive_rate']} "
          f"(of {summary['would_resign']} would-be resignations in {summary['no_resign_games']} no-resign games)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tengen", description="Tengen, an AlphaGo-style Go engine")
    subparsers = parser.add_subparsers(dest="command", required=True)
    gtp = subparsers.add_parser("gtp", help="speak GTP on stdin/stdout (for Sabaki, GoGui, match runners)")
    _add_engine_options(gtp)
    gtp.set_defaults(handler=_gtp)
    analysis = subparsers.add_parser("analysis", help="KataGo's JSON analysis protocol on stdin/stdout (for KaTrain, "
                                                      "ogatak, scripts)")
    _add_engine_options(analysis)
    analysis.add_argument("--positions", type=int, default=16, metavar="N",
                          help="positions searched together, their leaves joined in one network call (default 16)")
    analysis.set_defaults(handler=_analysis)
    play = subparsers.add_parser("play", help="play a game against the engine in the terminal")
    _add_engine_options(play)
    play.add_argument("--color", choices=["black", "white"], default="black", help="your colour (default black)")
    play.set_defaults(handler=_play)
    match = subparsers.add_parser("match", help="referee games between two GTP engines (colours alternate)")
    match.add_argument("engine_a", help='GTP command line of engine A, e.g. "tengen gtp --visits 2000"')
    match.add_argument("engine_b", help='GTP command line of engine B, e.g. "/usr/games/gnugo --mode gtp --level 10"')
    match.add_argument("--games", type=int, default=2)
    match.add_argument("--size", type=int, default=9)
    match.add_argument("--komi", type=float, default=7.5)
    match.add_argument("--sgf-dir", metavar="DIR", help="write every game as SGF here")
    match.add_argument("--scorer", metavar="COMMAND",
                       help='GTP engine whose final_score decides each game, e.g. "/usr/games/gnugo --mode gtp '
                            '--chinese-rules" (default: the players\' own scores when they agree)')
    match.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    match.set_defaults(handler=_match)
    selfplay = subparsers.add_parser("selfplay", help="search self-play games as training shards (resumable)")
    selfplay.add_argument("--weights", metavar="PATH", help="policy (or dual) network; default: the bundled one")
    selfplay.add_argument("--value-weights", metavar="PATH", help="value network (default: the bundled one with "
                                                                  "the bundled policy)")
    selfplay.add_argument("--size", type=int, help="board size (default 9)")
    selfplay.add_argument("--games", type=int, required=True, help="games the run folder holds when done")
    selfplay.add_argument("--out", required=True, help="the run folder (shards/, pending/, sgf/, selfplay.json)")
    selfplay.add_argument("--threads", type=int, default=1, help="worker threads sharing one network owner")
    selfplay.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    selfplay.add_argument("--ray", metavar="ADDRESS", help="run the workers as Ray actors: HOST:PORT of a cluster, "
                                                           "auto (the one running here) or local (a private one)")
    selfplay.add_argument("--actors", type=int, default=2, help="Ray actors (with --ray; default 2)")
    selfplay.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    _add_settings_options(selfplay, "selfplay.config.SelfPlayConfig, e.g. playouts.full_visits=200 root=gumbel "
                                    "game.komi_stdev=0 search.c_puct=1.1")
    selfplay.set_defaults(handler=_selfplay)
    data = subparsers.add_parser("data", help="make training data")
    data_kinds = data.add_subparsers(dest="data_kind", required=True)
    games = data_kinds.add_parser("games", help="expert games between GTP engines, as SGF (resumable, parallel)")
    games.add_argument("--engine", required=True,
                       help='GTP command line; {seed} and {level} are filled in per game, e.g. '
                            '"/usr/games/gnugo --mode gtp --chinese-rules --level {level} --seed {seed}"')
    games.add_argument("--opponent", help="the other side's command line (default: the engine itself)")
    games.add_argument("--size", type=int, default=9)
    games.add_argument("--komi", type=float, default=7.5)
    games.add_argument("--games", type=int, required=True)
    games.add_argument("--levels", default="8,10", help="levels to draw {level} from (default 8,10)")
    games.add_argument("--opening-moves", type=int, default=4, help="up to this many random opening moves")
    games.add_argument("--seed", type=int, default=0)
    games.add_argument("--workers", type=int, help="parallel games (default: the number of cores)")
    games.add_argument("--out", required=True, help="folder of the SGF files")
    games.set_defaults(handler=_data_games)
    shards = data_kinds.add_parser("shards", help="SGF collections (folders, .zip, .tar.gz) to training shards")
    shards.add_argument("sgf", nargs="+", help="SGF folders, .zip or .tar.gz archives, or files")
    shards.add_argument("--out", required=True)
    shards.add_argument("--size", type=int, default=9)
    shards.add_argument("--feature-set", default="alphago48")
    shards.add_argument("--max-handicap", type=int, default=0)
    shards.add_argument("--min-rank", help="keep games whose players are at least this strong, e.g. 1d")
    shards.add_argument("--heldout", type=float, default=0.05, help="fraction of games held out (default 0.05)")
    shards.add_argument("--seed", type=int, default=0)
    shards.set_defaults(handler=_data_shards)
    train = subparsers.add_parser("train", help="the training pipeline")
    stages = train.add_subparsers(dest="stage", required=True)
    for name, handler, config, help_text, example in (
            ("sl", _train_sl, "training.supervised.SLConfig",
             "supervised policy learning on shards (resumes a killed run)", "data=shards/ out=runs/sl steps=5000"),
            ("rl", _train_rl, "training.reinforce.RLConfig",
             "policy-gradient self-play from the SL network (resumes a killed run)",
             "sl=runs/sl/policy.safetensors estimator=advantage iterations=200"),
            ("value", _train_value, "training.value.ValueConfig",
             "value data (SL to move U, one random move, RL to the end) and value network regression, Monte Carlo "
             "or TD(lambda) (resumes a killed run)", "sl=... rl=... games=5000 td_lambda=0.8"),
            ("zero", _train_zero, "training.zero.ZeroConfig",
             "the self-improvement loop: search self-play, then the four-headed network learns from a window of it, "
             "generation after generation (resumes a killed run)",
             "out=runs/zero generations=20 selfplay.size=9 selfplay.playouts.full_visits=200")):
        stage = stages.add_parser(name, help=help_text)
        _add_settings_options(stage, f"{config}, e.g. {example}")
        stage.set_defaults(handler=handler)
    _add_bench(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``tengen`` command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (ValueError, OSError) as error:
        print(f"tengen: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
