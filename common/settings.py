"""Typed, nested settings: frozen dataclasses set from TOML tables and ``key=value`` strings.

The one settings mechanism of every command (``tengen gtp``, ``tengen train ...``,
``tengen bench ...``). A configuration is a frozen dataclass whose fields are plain values
(``bool``, ``int``, ``float``, ``str``, ``Path``, a ``Literal`` choice, a tuple of them, any of
these or ``None``) or further such dataclasses, its *sections*, addressed as ``section.key``
(``search.c_puct``, ``rules.ko``). A section whose class has a ``named(name, current)`` class
method also takes a name (``rules=japanese``), applied before that section's own keys; ``current``
is the section's value so far, so that a name can keep what is not its own (a rule set keeps the
komi already set).

A field declared with ``metadata=NOT_A_SETTING`` is filled in by whoever builds the object (a
seed that one engine-wide seed sets, say) and is neither listed nor settable.

Values come typed (TOML) or as text (``--set``) and are checked against the field's declared
type; the dataclass's own ``__post_init__`` then checks ranges. Every error is a
:class:`SettingError` (a ``ValueError``) that names the key and what it expects.
"""
from __future__ import annotations

import math
import tomllib
import types
from collections.abc import Mapping
from dataclasses import fields, is_dataclass, replace
from pathlib import Path
from typing import Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

Config = TypeVar("Config")
NOT_A_SETTING = {"setting": False}


class SettingError(ValueError):
    """An unknown key, or a value that its key's type or range does not allow."""


def _optional_of(kind: Any) -> Any:
    """``X`` when ``kind`` is ``X | None`` (one type or none), else None."""
    if get_origin(kind) not in (Union, types.UnionType):
        return None
    inner = [a for a in get_args(kind) if a is not type(None)]
    return inner[0] if len(inner) == 1 and len(get_args(kind)) == 2 else None


def _section(kind: Any) -> type | None:
    """The dataclass type of a section field (a nested configuration), else None."""
    return kind if isinstance(kind, type) and is_dataclass(kind) else None


def describe_type(kind: Any) -> str:
    """How a field's type reads in an error message."""
    if _optional_of(kind) is not None:
        return describe_type(_optional_of(kind)) + " or none"
    if get_origin(kind) is Literal:
        return "one of " + ", ".join(str(a) for a in get_args(kind))
    if get_origin(kind) is tuple:
        items = get_args(kind)
        if len(items) == 2 and items[1] is Ellipsis:
            return f"a comma-separated list, each {describe_type(items[0])}"
        return f"{len(items)} comma-separated values ({', '.join(describe_type(i) for i in items)})"
    return {bool: "true or false", int: "an integer", float: "a number", str: "a string", Path: "a path"}.get(
        kind, getattr(kind, "__name__", str(kind)))


def convert(key: str, kind: Any, value: object) -> object:
    """``value`` (text or already typed) as the type ``kind`` declared for ``key``."""
    wrong = SettingError(f"setting {key!r} expects {describe_type(kind)}, got {value!r}")
    if _optional_of(kind) is not None:
        if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none")):
            return None
        kind = _optional_of(kind)
    text = value.strip() if isinstance(value, str) else None
    if get_origin(kind) is Literal:
        for choice in get_args(kind):  # typed values must match in type too (True is not 1)
            if (type(value) is type(choice) and value == choice) or (text is not None and text == str(choice)):
                return choice
        raise wrong
    if get_origin(kind) is tuple:
        parts = ([] if not text else [p.strip() for p in text.split(",")]) if text is not None else value
        items = get_args(kind)
        fixed = not (len(items) == 2 and items[1] is Ellipsis)
        if not isinstance(parts, (list, tuple)) or (fixed and len(parts) != len(items)) or "" in parts:
            raise wrong
        try:
            return tuple(convert(key, items[i] if fixed else items[0], part) for i, part in enumerate(parts))
        except SettingError:
            raise wrong from None
    if kind is bool:
        if isinstance(value, bool):
            return value
        if text is not None and text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise wrong
    if kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return int(text) if text is not None else _raise(wrong)
        except ValueError:
            raise wrong from None
    if kind is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
        else:
            try:
                number = float(text) if text is not None else _raise(wrong)
            except ValueError:
                raise wrong from None
        if not math.isfinite(number):
            raise wrong
        return number
    if kind is str:
        return text if text is not None else _raise(wrong)
    if kind is Path:
        return Path(text) if text is not None else (value if isinstance(value, Path) else _raise(wrong))
    raise SettingError(f"setting {key!r} has a type settings cannot set: {kind!r}")


def _raise(error: Exception):
    raise error


def _settable(kind: type) -> list[str]:
    return [f.name for f in fields(kind) if f.metadata.get("setting", True)]


def known_keys(kind: type, prefix: str = "") -> list[str]:
    """Every settable key of the configuration class ``kind``, sections expanded."""
    keys = []
    for name, field_kind in get_type_hints(kind).items():
        if name not in _settable(kind):
            continue
        section = _section(field_kind)
        if section is None:
            keys.append(prefix + name)
        else:
            if hasattr(section, "named"):
                keys.append(prefix + name)
            keys += known_keys(section, f"{prefix}{name}.")
    return keys


def apply_settings(config: Config, settings: Mapping[str, object], prefix: str = "") -> Config:
    """A copy of ``config`` with ``settings`` applied: dotted keys (``search.c_puct``) or nested
    mappings (TOML tables), values typed or as text. Raises SettingError naming the key."""
    kind = type(config)
    hints = get_type_hints(kind)
    names = _settable(kind)
    direct: dict[str, object] = {}
    nested: dict[str, dict[str, object]] = {}
    for key, value in settings.items():
        head, dot, rest = str(key).partition(".")
        full = prefix + str(key)
        if head not in names:
            raise SettingError(f"unknown setting {full!r}: known settings are {', '.join(known_keys(kind, prefix))}")
        section = _section(hints[head])
        if dot:
            if section is None:
                raise SettingError(f"unknown setting {full!r}: {prefix + head!r} has no keys of its own")
            nested.setdefault(head, {})[rest] = value
        elif section is not None and isinstance(value, section):
            direct[head] = value
        elif section is not None and isinstance(value, Mapping):
            nested.setdefault(head, {}).update({str(k): v for k, v in value.items()})
        elif section is not None and isinstance(value, str) and hasattr(section, "named"):
            try:
                direct[head] = section.named(value.strip(), getattr(config, head))
            except ValueError as error:
                raise SettingError(f"setting {full!r}: {error}") from None
        elif section is not None:
            example = f", e.g. {full}.{_settable(section)[0]}" if _settable(section) else ""
            raise SettingError(f"setting {full!r} is a section: set its keys{example}")
        else:
            direct[head] = convert(full, hints[head], value)
    for head, keys in nested.items():
        direct[head] = apply_settings(direct.get(head, getattr(config, head)), keys, f"{prefix}{head}.")
    try:
        return replace(config, **direct)
    except SettingError:
        raise
    except (ValueError, TypeError) as error:
        # the check names its field; say which key when only one was set here, else the section
        where = f"setting {prefix}{next(iter(direct))}" if len(direct) == 1 else (
            f"settings of {prefix.rstrip('.')!r}" if prefix else "settings")
        raise SettingError(f"{where}: {error}") from None


def parse_assignments(options: list[str]) -> dict[str, str]:
    """``["key=value", ...]`` (``--set`` options) -> dict; SettingError on a missing ``=``."""
    settings = {}
    for option in options:
        key, sep, value = option.partition("=")
        if not sep or not key.strip():
            raise SettingError(f"--set expects key=value, got {option!r}")
        settings[key.strip()] = value.strip()
    return settings


def read_toml(path: str | Path) -> dict[str, object]:
    """A TOML settings file as a mapping; SettingError when it cannot be read or parsed."""
    try:
        return tomllib.loads(Path(path).read_text())
    except OSError as error:
        raise SettingError(f"cannot read config file {path}: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise SettingError(f"config file {path} is not UTF-8 text: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise SettingError(f"config file {path} is not valid TOML: {error}") from None


def load_settings(config: Config, path: str | Path | None = None, overrides: Mapping[str, object] = {}) -> Config:
    """``config``, then the TOML file at ``path`` (if any), then ``overrides`` (``--set``)."""
    if path is not None:
        config = apply_settings(config, read_toml(path))
    return apply_settings(config, overrides)


__all__ = ["NOT_A_SETTING", "SettingError", "apply_settings", "convert", "describe_type", "known_keys", "load_settings",
           "parse_assignments", "read_toml"]
