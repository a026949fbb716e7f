"""Shared plumbing of the training stages: ``key=value`` settings onto a frozen config dataclass,
and a CSV log that a resumed run continues."""
from __future__ import annotations

import csv
from dataclasses import fields, replace
from pathlib import Path
from typing import TypeVar

Config = TypeVar("Config")


def apply_settings(base: Config, settings: dict[str, str]) -> Config:
    """``base`` with ``key=value`` strings converted to each field's type; unknown keys and bad
    values raise ValueError naming them."""
    kinds = {f.name: str(f.type) for f in fields(base)}
    changes: dict[str, object] = {}
    for key, value in settings.items():
        if key not in kinds:
            raise ValueError(f"unknown setting {key!r}: known are {', '.join(kinds)}")
        kind, text = kinds[key], str(value)
        try:
            if "bool" in kind:
                if text.lower() not in ("true", "false"):
                    raise ValueError
                changes[key] = text.lower() == "true"
            elif "int" in kind:
                changes[key] = int(text)
            elif "float" in kind:
                changes[key] = float(text)
            else:
                changes[key] = text
        except ValueError:
            raise ValueError(f"bad value {text!r} for setting {key!r}") from None
    return replace(base, **changes)


def continue_log(path: Path, columns: list[str], key: str, done: int) -> None:
    """Start the CSV log, or keep only its rows up to ``done`` (``key`` column): a killed run may
    have logged work that its last saved state does not hold."""
    rows = [r for r in csv.DictReader(path.open()) if int(r[key]) <= done] if path.exists() and done > 0 else []
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)
