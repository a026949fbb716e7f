"""The one settings mechanism: dotted keys into nested frozen dataclasses, typed values from text
or TOML, and errors that name the key and the type it expects."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pytest

from common.settings import NOT_A_SETTING, SettingError, apply_settings, convert, known_keys, load_settings, parse_assignments


@dataclass(frozen=True)
class Inner:
    c_puct: float = 1.5
    batch_size: int = 16
    reuse: bool = True
    mode: Literal["a", "b"] = "a"
    seed: int = field(default=0, metadata=NOT_A_SETTING)

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be positive, got {self.batch_size}")

    @classmethod
    def named(cls, name: str, current: "Inner") -> "Inner":
        if name != "wide":
            raise ValueError(f"unknown preset {name!r}")
        return cls(c_puct=3.0, batch_size=64, mode=current.mode)  # a preset that keeps the mode


@dataclass(frozen=True)
class Outer:
    size: int = 9
    weights: str | None = None
    levels: tuple[int, ...] = (8, 10)
    out: Path = Path("runs")
    hidden: int = field(default=0, metadata=NOT_A_SETTING)  # between settings: the ones after it still count
    inner: Inner = field(default_factory=Inner)
    pair: tuple[int, float] = (1, 2.0)
    choice: Literal[1, 2] = 1


def test_dotted_keys_set_typed_values_from_text():
    config = apply_settings(Outer(), {"inner.c_puct": "2.0", "inner.batch_size": "8", "inner.reuse": "False",
                                      "inner.mode": "b", "size": "19", "weights": "w.safetensors",
                                      "levels": "1, 2,3", "out": "elsewhere"})
    assert config == Outer(19, "w.safetensors", (1, 2, 3), Path("elsewhere"), inner=Inner(2.0, 8, False, "b"))


def test_typed_values_and_toml_tables_are_taken_as_they_are(tmp_path):
    (tmp_path / "settings.toml").write_text('size = 13\nlevels = [5]\n[inner]\nc_puct = 2\nreuse = false\n')
    config = load_settings(Outer(), tmp_path / "settings.toml", {"inner.batch_size": "4"})
    assert config == Outer(size=13, levels=(5,), inner=Inner(c_puct=2.0, batch_size=4, reuse=False))
    assert isinstance(config.inner.c_puct, float)


def test_literal_choices_and_fixed_tuples_from_text_or_typed():
    config = apply_settings(Outer(), {"choice": "2", "pair": "3, 0.5"})
    assert (config.choice, config.pair) == (2, (3, 0.5)) and type(config.choice) is int
    assert apply_settings(Outer(), {"choice": 2, "pair": [4, 1.5]}).choice == 2  # as TOML gives them
    assert apply_settings(Outer(), {"levels": ""}).levels == ()  # an empty list


def test_how_types_read_in_messages():
    from common.settings import describe_type

    assert describe_type(int | None) == "an integer or none" and describe_type(Path) == "a path"
    assert describe_type(tuple[int, ...]) == "a comma-separated list, each an integer"
    assert describe_type(dict) == "dict" and describe_type(3) == "3"  # unsupported: named as they are
    with pytest.raises(SettingError, match="has a type settings cannot set"):
        convert("x", int | str, "1")


def test_a_range_error_names_the_one_key_set_or_else_the_section():
    with pytest.raises(SettingError, match=r"^setting inner.batch_size: batch_size must be positive"):
        apply_settings(Outer(), {"inner.batch_size": "0"})
    with pytest.raises(SettingError, match=r"^settings of 'inner': batch_size must be positive"):
        apply_settings(Outer(), {"inner.batch_size": "0", "inner.c_puct": "2"})


def test_a_file_that_is_not_utf8_is_a_setting_error_naming_it(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(b"size = 9 # caf\xe9\n")
    with pytest.raises(SettingError, match=f"config file {path} is not UTF-8"):
        load_settings(Outer(), path)


def test_none_clears_an_optional_value():
    assert apply_settings(Outer(weights="x"), {"weights": "none"}).weights is None


def test_a_named_section_is_applied_before_its_own_keys_and_sees_the_value_so_far():
    config = apply_settings(Outer(), {"inner.batch_size": "2", "inner": "wide"})
    assert config.inner == Inner(c_puct=3.0, batch_size=2)
    earlier = apply_settings(Outer(), {"inner.mode": "b"})  # a file, say; then --set inner=wide
    assert apply_settings(earlier, {"inner": "wide"}).inner == Inner(c_puct=3.0, batch_size=64, mode="b")


@pytest.mark.parametrize("key, value, message", [
    ("inner.c_puct", "abc", "'inner.c_puct' expects a number, got 'abc'"),
    ("inner.c_puct", "nan", "'inner.c_puct' expects a number"),
    ("inner.batch_size", "2.5", "'inner.batch_size' expects an integer, got '2.5'"),
    ("inner.batch_size", 2.5, "'inner.batch_size' expects an integer, got 2.5"),
    ("inner.reuse", "yes", "'inner.reuse' expects true or false"),
    ("inner.mode", "c", "'inner.mode' expects one of a, b"),
    ("levels", "1,x", "'levels' expects a comma-separated list, each an integer"),
    ("levels", "1,,2", "'levels' expects a comma-separated list"),
    ("pair", "1,2,3", "'pair' expects 2 comma-separated values (an integer, a number)"),
    ("choice", True, "'choice' expects one of 1, 2"),
    ("out", 3, "'out' expects a path, got 3"),
    ("hidden", "1", "unknown setting 'hidden'"),
    ("choice", 1.0, "'choice' expects one of 1, 2"),
    ("size", True, "'size' expects an integer"),
    ("weights", 3, "'weights' expects a string or none"),
    ("inner.batch_size", "0", "setting inner.batch_size: batch_size must be positive, got 0"),
    ("inner", "narrow", "setting 'inner': unknown preset 'narrow'"),
    ("inner", "1", "unknown preset"),
    ("inner", 1, "'inner' is a section: set its keys, e.g. inner.c_puct"),
])
def test_a_bad_value_names_its_key_and_the_expected_type(key, value, message):
    with pytest.raises(SettingError) as caught:
        apply_settings(Outer(), {key: value})
    assert message in str(caught.value)


@pytest.mark.parametrize("key", ["nosuch", "inner.nosuch", "size.x", "inner.seed"])
def test_an_unknown_key_is_named_with_the_known_ones(key):
    with pytest.raises(SettingError, match=f"unknown setting '{key}'"):
        apply_settings(Outer(), {key: "1"})


def test_known_keys_lists_every_settable_key():
    assert known_keys(Outer) == ["size", "weights", "levels", "out", "inner", "inner.c_puct", "inner.batch_size",
                                 "inner.reuse", "inner.mode", "pair", "choice"]


def test_assignments_need_a_key_and_an_equals_sign():
    assert parse_assignments(["a.b = 1", "c=x=y"]) == {"a.b": "1", "c": "x=y"}
    for bad in (["novalue"], ["=1"]):
        with pytest.raises(SettingError, match="key=value"):
            parse_assignments(bad)


def test_an_unreadable_or_invalid_file_is_a_setting_error(tmp_path):
    with pytest.raises(SettingError, match="cannot read config file"):
        load_settings(Outer(), tmp_path / "missing.toml")
    (tmp_path / "bad.toml").write_text("size = = 3")
    with pytest.raises(SettingError, match="is not valid TOML"):
        load_settings(Outer(), tmp_path / "bad.toml")
