"""Fuzzing the running engine: tens of thousands of random and mutated command lines (lines of
10,000+ bytes, control characters, invalid UTF-8) sent to one ``tengen gtp`` process. Each line
that is not empty after the spec's preprocessing gets exactly one well-framed response, ids
echoed; nothing else reaches stdout; the engine never dies; a valid command afterwards works."""
from __future__ import annotations

import re
import select
import subprocess
import sys
import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

COMMANDS = ["protocol_version", "name", "version", "known_command", "list_commands", "boardsize", "clear_board",
            "komi", "play", "genmove", "reg_genmove", "undo", "showboard", "final_score", "final_status_list",
            "fixed_handicap", "place_free_handicap", "set_free_handicap", "time_settings", "time_left",
            "kgs-time_settings", "kgs-genmove_cleanup", "kgs-rules", "loadsgf", "printsgf", "is_legal",
            "list_stones", "captures", "gogui-analyze_commands", "gogui-interrupt", "tengen-ownership",
            "tengen-policy", "tengen-pv", "lz-analyze", "kata-analyze", "lz-genmove_analyze",
            "kata-genmove_analyze", "frobnicate", "Play", "GENMOVE", "analyze",
            # issue 14: KataGo's rules and parameter commands
            "kata-get-rules", "kata-set-rules", "kata-set-rule", "kata-get-param", "kata-set-param", "kata-list-params"]
ARGS = ["b", "w", "black", "WHITE", "B", "pass", "PASS", "resign", "D4", "d4", "A1", "T19", "Z25", "I5", "J10",
        "E5", "0", "1", "2", "5", "9", "19", "25", "26", "-1", "7.5", "1e9", "nan", "inf", "true", "false",
        "alive", "dead", "seki", "none", "absolute", "byoyomi", "canadian", "chinese", "japanese", "tromp-taylor",
        "interval", "ownership", "maxmoves", "minmoves", "10", "50", "game.sgf", "", "\u00e9", "\u4e2d",
        # issue 14: analysis arguments, rules JSON, live parameters
        "avoid", "allow", "e5,d4,c3", "d4,", ",", "a1,j9,z99", "pvVisits", "ownershipStdev", "movesOwnership",
        "rootInfo", "SIMPLE", "korean", '{"ko":"SIMPLE"}', '{"ko":', "ko", "suicide", "whiteHandicapBonus",
        # (not maxVisits or maxTime: "none" and "1e9" would let a genmove think for an hour)
        "chosenMoveTemperature", "ponderingEnabled", "search.c_puct", "move_choice", "lcb"]
SENTINEL_ID = 987654321
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def expected_reply(line: bytes) -> tuple[bool, int | None]:
    """An independent reading of GTP spec 3.1: (gets a response, the id it must echo)."""
    text = _CONTROL.sub("", line.decode("utf-8", errors="replace")).split("#", 1)[0].replace("\t", " ").strip()
    if not text:
        return False, None
    first = text.split()[0]
    return True, int(first) if first.isdigit() and first.isascii() and len(first) <= 18 else None


def is_quit(line: bytes) -> bool:
    text = _CONTROL.sub("", line.decode("utf-8", errors="replace")).split("#", 1)[0].replace("\t", " ").split()
    if text and text[0].isdigit() and text[0].isascii() and len(text[0]) <= 18:
        text = text[1:]
    return bool(text) and text[0].lower() == "quit"


command_lines = st.builds(
    lambda cid, name, args: (f"{cid} " if cid is not None else "") + " ".join([name] + args),
    st.one_of(st.none(), st.integers(0, 10**6)), st.sampled_from(COMMANDS), st.lists(st.sampled_from(ARGS), max_size=5),
).map(lambda text: text.encode())


@st.composite
def mutated(draw):
    data = bytearray(draw(command_lines))
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(data)))
        choice = draw(st.integers(0, 4))
        if choice == 0:
            data[position:position] = bytes([draw(st.integers(0, 31))])  # control characters, CR, HT
        elif choice == 1:
            data[position:position] = draw(st.sampled_from([b"\xff", b"\xc3", b"\xe2\x82", b"\x80\x80", b"\x7f"]))
        elif choice == 2:
            data[position:position] = draw(st.sampled_from([b"#", b"\t", b"\r", b" ", b"  # x", b"12 "]))
        elif choice == 3 and data:
            del data[position:position + draw(st.integers(1, 5))]
        else:
            data[position:position] = draw(st.binary(max_size=8))
    return bytes(data.replace(b"\n", b" "))


long_lines = st.builds(lambda unit, count, head: head + unit * count,
                       st.binary(min_size=1, max_size=7).map(lambda b: b.replace(b"\n", b"\x00")),
                       st.integers(2000, 6000), st.sampled_from([b"", b"play b ", b"7 komi ", b"boardsize ", b"# "]))
lines_strategy = st.lists(st.one_of(command_lines, mutated(), st.binary(max_size=60).map(lambda b: b.replace(b"\n", b"")),
                                    long_lines), min_size=60, max_size=140)


class Engine:
    """One running ``tengen gtp``; ``exchange`` sends lines plus a sentinel and returns the raw
    output up to and including the sentinel's response."""

    def __init__(self, cwd) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tengen", "gtp", "--visits", "20", "--set", "ownership_playouts=10"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=cwd)
        self.buffer = b""

    def exchange(self, lines: list[bytes], timeout: float = 120.0) -> bytes:
        payload = b"".join(line + b"\n" for line in lines) + f"{SENTINEL_ID} protocol_version\n".encode()
        writer = threading.Thread(target=self._write, args=(payload,), daemon=True)
        writer.start()
        marker = f"={SENTINEL_ID} 2\n\n".encode()
        deadline = time.monotonic() + timeout
        while marker not in self.buffer:
            assert self.process.poll() is None, "the engine died"
            remaining = deadline - time.monotonic()
            assert remaining > 0, "the engine stopped answering"
            ready, _, _ = select.select([self.process.stdout], [], [], remaining)
            if ready:
                chunk = self.process.stdout.read1(65536)
                assert chunk, "the engine closed stdout"
                self.buffer += chunk
        writer.join()
        end = self.buffer.index(marker) + len(marker)
        output, self.buffer = self.buffer[:end], self.buffer[end:]
        return output

    def _write(self, payload: bytes) -> None:
        self.process.stdin.write(payload)
        self.process.stdin.flush()

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    running = Engine(tmp_path_factory.mktemp("fuzz"))
    yield running
    running.close()
    assert running.process.returncode == 0


def check_framing(lines: list[bytes], output: bytes) -> None:
    expected = [expected_reply(line) for line in lines]
    expected = [cid for replies, cid in expected if replies] + [SENTINEL_ID]
    text = output.decode("utf-8")
    assert text.endswith("\n\n")
    responses = text[:-2].split("\n\n")
    assert len(responses) == len(expected), f"{len(responses)} responses for {len(expected)} commands"
    for response, cid in zip(responses, expected):
        head = response.split("\n", 1)[0]
        match = re.match(r"^([=?])(\d*)( |$)", head)
        assert match, f"malformed response {head[:80]!r}"
        assert match.group(2) == ("" if cid is None else str(cid)), f"id {cid} not echoed: {head[:80]!r}"
        if "\n" in response:  # only analysis streams and multi-line results have more lines
            assert all(line.strip() for line in response.split("\n")), "an empty line inside a response"


@settings(max_examples=220, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow, HealthCheck.data_too_large])
@given(lines_strategy)
def test_random_lines_get_exactly_one_framed_response_each(engine, lines):
    lines = [line for line in lines if not is_quit(line)]
    output = engine.exchange(lines)
    check_framing(lines, output)


def test_engine_still_plays_after_the_fuzzing(engine):
    lines = [b"boardsize 9", b"clear_board", b"play b E5", b"1 list_stones black", b"2 genmove w"]
    output = engine.exchange(lines).decode()
    # White's move: any free point of the 9x9 board (E5 is Black's), a pass, or resigning
    assert "=1 E5\n\n" in output and re.search(r"(?:^|\n)=2 (?!E5\n)(?:[A-HJ][1-9]|pass|resign)\n\n", output)
