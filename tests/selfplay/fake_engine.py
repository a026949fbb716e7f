"""A scripted GTP engine for the referee's tests: what it answers is fixed in advance, so each
refereed game's result is known before it is played. Standard library only (it starts in a few
tens of milliseconds).

    python fake_engine.py --name Alpha --plan pass/B+2,resign,refuse,moves=C3:C3/0 --counter FILE --log FILE

Each start is one game: the engine reads the game number from ``--counter`` (and writes it back
plus one), takes that entry of ``--plan`` and appends every command it receives to ``--log``
with ``{game}`` replaced by the game number. A plan entry is ``BEHAVIOUR[/FINAL_SCORE]``:

- ``pass``: every genmove answers ``pass``;
- ``resign``: every genmove answers ``resign``;
- ``moves=V1:V2:...``: the genmoves answer V1, V2, ... in turn (legal or not), then ``pass``;
- ``refuse``: genmove answers ``pass``, every ``play`` fails (``? illegal move``);
- ``fail``: genmove fails (``? engine error``);
- ``die``: the engine exits without a word when asked for a move.

``final_score`` answers FINAL_SCORE (default ``0``).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--name", required=True)
    parser.add_argument("--plan", required=True, help="comma-separated BEHAVIOUR[/SCORE], one per game")
    parser.add_argument("--counter", type=Path, help="file holding the number of games started so far")
    parser.add_argument("--log", help="file to append the commands to; {game} is the game number")
    args = parser.parse_args()
    game = 0
    if args.counter is not None:
        game = int(args.counter.read_text()) if args.counter.exists() else 0
        args.counter.write_text(str(game + 1))
    plan = args.plan.split(",")
    behaviour, _, score = plan[game % len(plan)].partition("/")
    score = score or "0"
    log = open(args.log.format(game=game), "a") if args.log else None
    moves = behaviour[len("moves="):].split(":") if behaviour.startswith("moves=") else []
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        if log is not None:
            log.write(line + "\n")
            log.flush()
        command, *rest = line.split()
        ok, text = True, ""
        if command == "protocol_version":
            text = "2"
        elif command == "name":
            text = args.name
        elif command == "version":
            text = "1"
        elif command in ("boardsize", "clear_board", "komi", "quit"):
            pass
        elif command == "play":
            ok, text = (False, "illegal move") if behaviour == "refuse" else (True, "")
        elif command == "genmove":
            if behaviour == "die":
                return
            if behaviour == "fail":
                ok, text = False, "engine error"
            elif behaviour == "resign":
                text = "resign"
            elif moves:
                text = moves.pop(0)
            else:
                text = "pass"
        elif command == "final_score":
            text = score
        else:
            ok, text = False, "unknown command"
        sys.stdout.write(f"{'=' if ok else '?'} {text}\n\n")
        sys.stdout.flush()
        if command == "quit":
            break


if __name__ == "__main__":
    main()
