"""Held-out checks of value and ownership predictions on self-play games a network never trained
on (issue 13, acceptance 3): each network's value mean squared error against the games' outcomes
(side to move's view, -1..1; predicting 0 everywhere scores about 1), and an ownership head's
accuracy against each game's final owners.

Positions are rebuilt by replaying each game's SGF (so that history planes are exact for any
feature set), and evaluated as the search would evaluate them, in one batch per game.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from gogame.board_nb import BLACK
from gogame.sgf import read_sgf, record_to_game, replay
from nets.evaluator import Evaluator, LeafBatch
from selfplay.records import read_games


def _positions(folder: Path, game_id: int, rules, rows: int) -> list:
    """The position before each move of the game's SGF, and the final one when the game has a row
    more than moves (a resignation: searched, recorded, not played)."""
    record = read_sgf(folder / "sgf" / f"game-{game_id:08d}.sgf")
    states = [game.copy() for game, _color, _pt in replay(record, rules)]
    if rows == len(states) + 1:
        states.append(record_to_game(record, rules))
    return states


def heldout_report(folder: str | Path, evaluators: dict[str, Evaluator], max_games: int | None = None) -> dict:
    """{"games", "positions", name: {"value_mse", "value_mse_where_it_applies", "positions_where_it_applies",
    "ownership_accuracy" (heads only)}} over the games of the self-play folder ``folder``."""
    from gogame.rules import Rules

    folder = Path(folder)
    arrays, games = read_games(folder)
    if not games:
        raise ValueError(f"{folder}: no self-play games to check")
    games = sorted(games, key=lambda g: g["game_id"])[:max_games]
    sums = {name: {"squared": 0.0, "count": 0, "applies_squared": 0.0, "applies": 0, "owner_hits": 0, "owner_points": 0}
            for name in evaluators}
    positions = 0
    for info in games:
        rows = np.flatnonzero(arrays["game_id"] == info["game_id"])
        rows = rows[np.argsort(arrays["move_number"][rows], kind="stable")]
        rules = Rules(**info["rules"]) if "rules" in info else Rules(komi=float(info.get("komi", 7.5)))
        states = _positions(folder, info["game_id"], rules, len(rows))
        if len(states) != len(rows):
            raise ValueError(f"{folder}: game {info['game_id']} has {len(rows)} positions but {len(states)} moves")
        if not states:
            continue
        positions += len(states)
        outcome = arrays["outcome"][rows].astype(np.float64)
        final_owner = arrays["ownership"][rows[0]].astype(np.float64)  # Black's view, the game's end
        batch = LeafBatch.from_games(states)
        for name, evaluator in evaluators.items():
            _, values = evaluator.evaluate_batch(batch)
            errors = (values.astype(np.float64) - outcome) ** 2
            total = sums[name]
            total["squared"] += float(errors.sum())
            total["count"] += len(errors)
            if evaluator.value_applies(batch.size, batch.komi):
                total["applies_squared"] += float(errors.sum())
                total["applies"] += len(errors)
            if "ownership" in getattr(evaluator, "heads", ()):
                owned = evaluator.evaluate_heads(batch)["ownership"].astype(np.float64)
                sign = np.where(batch.to_move == BLACK, 1.0, -1.0)[:, None, None]
                predicted = np.sign(owned * sign)  # Black's view
                decided = final_owner != 0
                total["owner_hits"] += int((predicted[:, decided] == final_owner[decided]).sum())
                total["owner_points"] += int(decided.sum()) * len(states)
    report: dict = {"games": len(games), "positions": positions}
    for name, total in sums.items():
        entry = {"value_mse": round(total["squared"] / total["count"], 4) if total["count"] else None,
                 "positions_where_it_applies": total["applies"],
                 "value_mse_where_it_applies": round(total["applies_squared"] / total["applies"], 4)
                 if total["applies"] else None}
        if total["owner_points"]:
            entry["ownership_accuracy"] = round(total["owner_hits"] / total["owner_points"], 4)
        report[name] = entry
    return report


__all__ = ["heldout_report"]
