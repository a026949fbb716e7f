"""KataGo's rules and parameter commands, so that GUIs written for KataGo (KaTrain, Lizzie) can read
and change the rules and the search live: ``kata-get-rules``, ``kata-set-rules`` (a rule set's
name or KataGo's JSON form), ``kata-set-rule KEY VALUE``, ``kata-get-param``, ``kata-set-param``,
``kata-list-params``. The names and JSON keys are KataGo's (its GTP extensions document); the
values map to :class:`gogame.rules.Rules` and the engine's settings.
"""
from __future__ import annotations

import json
from typing import Callable

from common.settings import SettingError, apply_settings
from gogame.game import GameState
from gogame.rules import Rules
from gogame.sgf import SGFError, game_to_record, record_to_game

from .arguments import GtpFailure
from .config import EngineConfig

_KO = {"simple": "SIMPLE", "positional": "POSITIONAL", "situational": "SITUATIONAL"}
_SCORING = {"area": "AREA", "territory": "TERRITORY"}
_BONUS = {"n": "N", "n-1": "N-1", "none": "0"}
# KataGo's rule-set names beyond ours, as the closest rules here
_ALIASES = {"korean": "japanese", "tromp_taylor": "tromp-taylor", "nz": "new-zealand", "bga": "aga", "french": "aga"}

# parameters a GUI may change between moves: KataGo's name or the setting's own -> the setting
LIVE_PARAMS = {
    "maxVisits": "time.visits", "maxTime": "time.seconds", "chosenMoveTemperature": "move_temperature",
    "ponderingEnabled": "ponder",
    "time.visits": "time.visits", "time.seconds": "time.seconds", "move_temperature": "move_temperature",
    "move_choice": "move_choice", "resign_threshold": "resign_threshold", "ponder": "ponder",
    "search.c_puct": "search.c_puct", "search.fpu_reduction": "search.fpu_reduction",
    "search.rollout_weight": "search.rollout_weight", "policy.temperature": "policy.temperature",
}


def rules_to_json(rules: Rules) -> dict:
    """KataGo's JSON form of the rules (``tax`` SEKI for territory scoring, as its Japanese rules)."""
    return {"hasButton": False, "ko": _KO[rules.ko], "scoring": _SCORING[rules.scoring], "suicide": rules.suicide,
            "tax": "SEKI" if rules.scoring == "territory" else "NONE",
            "whiteHandicapBonus": _BONUS[rules.handicap_compensation], "friendlyPassOk": False, "komi": rules.komi}


def _inverse(table: dict[str, str], key: str, value: object) -> str:
    for ours, theirs in table.items():
        if str(value).upper() == theirs:
            return ours
    raise ValueError(f"{key} {value!r} is not supported: known are {', '.join(table.values())}")


def rules_from_text(text: str, current: Rules) -> Rules:
    """A rule set's name (ours or KataGo's) or KataGo's JSON; the komi stays ``current``'s unless
    the JSON gives one. Raises ValueError naming what is not supported."""
    text = text.strip()
    if not text.startswith("{"):
        name = text.lower().replace("_", "-")
        return Rules.named(_ALIASES.get(name, name), current)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"rules are neither a name nor JSON: {error.msg}") from None
    if not isinstance(data, dict):
        raise ValueError("rules JSON must be an object")
    return _apply_rule_keys(current, data)


def _apply_rule_keys(rules: Rules, data: dict) -> Rules:
    changes: dict[str, object] = {}
    for key, value in data.items():
        if key == "ko":
            changes["ko"] = _inverse(_KO, key, value)
        elif key == "scoring":
            changes["scoring"] = _inverse(_SCORING, key, value)
        elif key == "whiteHandicapBonus":
            changes["handicap_compensation"] = _inverse(_BONUS, key, value)
        elif key in ("suicide", "multiStoneSuicideLegal"):
            if str(value).lower() not in ("true", "false"):
                raise ValueError(f"{key} must be true or false, not {value!r}")
            changes["suicide"] = str(value).lower() == "true"
        elif key == "komi":
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                raise ValueError(f"komi must be a number, not {value!r}")
            try:
                changes["komi"] = float(value)
            except ValueError:
                raise ValueError(f"komi must be a number, not {value!r}") from None
        elif key == "hasButton":
            if str(value).lower() != "false":
                raise ValueError("hasButton true is not supported")
        elif key == "friendlyPassOk":
            continue  # how a pass with dead stones on the board is treated by KataGo's referee: no rule here
        elif key != "tax":
            raise ValueError(f"unknown rule {key!r}")
    rules = rules.with_changes(**changes)
    if "tax" in data:  # here it follows the scoring: NONE for area, SEKI for territory
        expected = "SEKI" if rules.scoring == "territory" else "NONE"
        if str(data["tax"]).upper() != expected:
            raise ValueError(f"tax {data['tax']!r} is not supported with {rules.scoring} scoring (it is {expected} here)")
    return rules


class KataCommands:
    """``kata-get-rules kata-set-rules kata-set-rule kata-get-param kata-set-param
    kata-list-params``, as a mixin of :class:`gtp.engine.GtpEngine`."""

    config: EngineConfig
    rules: Rules
    game: GameState
    searcher: object
    log: Callable[[str], None]

    def cmd_kata_get_rules(self, args: list[str]) -> str:
        return json.dumps(rules_to_json(self.rules), separators=(",", ":"))

    def cmd_kata_set_rules(self, args: list[str]) -> str:
        if not args:
            raise GtpFailure("syntax error")
        try:
            rules = rules_from_text(" ".join(args), self.rules)
        except ValueError as error:
            raise GtpFailure(f"cannot set rules: {error}") from None
        self._change_rules(rules)
        return ""

    def cmd_kata_set_rule(self, args: list[str]) -> str:
        if len(args) != 2:
            raise GtpFailure("syntax error")
        try:
            rules = _apply_rule_keys(self.rules, {args[0]: args[1]})
        except ValueError as error:
            raise GtpFailure(f"cannot set rule: {error}") from None
        self._change_rules(rules)
        return ""

    def _change_rules(self, rules: Rules) -> None:
        """The game goes on under the new rules (replayed, so that superko and scoring follow them);
        a move the new rules forbid refuses the change."""
        try:
            game = record_to_game(game_to_record(self.game), rules)
        except SGFError as error:
            raise GtpFailure(f"cannot set rules: the game so far breaks them ({error.reason})") from None
        game.to_move = self.game.to_move
        self.rules, self.game = rules, game

    # --- parameters -----------------------------------------------------------------------

    def _searcher_section(self, key: str) -> object | None:
        """The searcher's own settings when ``key``'s section is of their type (MCTS may run with
        ``rollout_search``, whose type is the ``search`` section's), else None."""
        section = key.rpartition(".")[0]
        searcher_config = getattr(self.searcher, "config", None)
        if section and searcher_config is not None and type(searcher_config) is type(getattr(self.config, section)):
            return searcher_config
        return None

    def _param_value(self, key: str) -> object:
        section, _, name = key.rpartition(".")
        target = self._searcher_section(key) or (getattr(self.config, section) if section else self.config)
        return getattr(target, name)

    def cmd_kata_list_params(self, args: list[str]) -> str:
        return "\n".join(LIVE_PARAMS)

    def cmd_kata_get_param(self, args: list[str]) -> str:
        if len(args) != 1:
            raise GtpFailure("syntax error")
        if args[0] not in LIVE_PARAMS:
            raise GtpFailure(f"unknown parameter {args[0]}: known are {', '.join(LIVE_PARAMS)}")
        value = self._param_value(LIVE_PARAMS[args[0]])
        return "none" if value is None else str(value).lower() if isinstance(value, bool) else str(value)

    def cmd_kata_set_param(self, args: list[str]) -> str:
        if len(args) != 2:
            raise GtpFailure("syntax error")
        if args[0] not in LIVE_PARAMS:
            raise GtpFailure(f"unknown parameter {args[0]}: known are {', '.join(LIVE_PARAMS)}")
        key = LIVE_PARAMS[args[0]]
        try:
            config = apply_settings(self.config, {key: args[1]})
            searcher_config = self._searcher_section(key)
            if searcher_config is not None:
                self.searcher.config = apply_settings(searcher_config, {key.rpartition(".")[2]: args[1]})
        except SettingError as error:
            raise GtpFailure(f"cannot set {args[0]}: {error}") from None
        self.config = config
        return ""
