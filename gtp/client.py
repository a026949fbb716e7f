"""A small GTP client: starts an engine process and exchanges commands with it.

Used to drive GNU Go as a rules reference and opponent. Commands can be pipelined
(``send_many``): they are all written before the first response is read, as Sabaki does.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from typing import Sequence


class GtpError(RuntimeError):
    """The engine answered ``?`` (``failure``), or it died or spoke out of protocol."""


def find_gnugo() -> str | None:
    """Path of the GNU Go binary (PATH, then Debian's /usr/games), or None."""
    found = shutil.which("gnugo")
    if found:
        return found
    return "/usr/games/gnugo" if os.access("/usr/games/gnugo", os.X_OK) else None


class GtpClient:
    """A running GTP engine. ``close()`` (or a ``with`` block) ends it."""

    def __init__(self, argv: Sequence[str], stderr=subprocess.DEVNULL) -> None:
        self.argv = list(argv)
        self.process = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=stderr, text=True, bufsize=1)

    def _read_response(self) -> tuple[bool, str]:
        lines = []
        while True:
            line = self.process.stdout.readline()
            if line == "":
                raise GtpError(f"{self.argv[0]} closed its output (exit status {self.process.poll()})")
            line = line.rstrip("\r\n")
            if line == "":
                if lines:
                    break
                continue
            lines.append(line)
        head = lines[0]
        if head[:1] not in ("=", "?"):
            raise GtpError(f"{self.argv[0]} answered out of protocol: {head!r}")
        text = "\n".join([head[1:].lstrip("0123456789").strip()] + lines[1:])
        return head[0] == "=", text

    def send_many(self, commands: Sequence[str]) -> list[tuple[bool, str]]:
        """Send every command, then read one response each: (succeeded, text)."""
        self.process.stdin.write("".join(f"{command}\n" for command in commands))
        self.process.stdin.flush()
        return [self._read_response() for _ in commands]

    def send(self, command: str) -> str:
        """Send one command; return its result text or raise GtpError with the engine's message."""
        ok, text = self.send_many([command])[0]
        if not ok:
            raise GtpError(f"{command!r} failed: {text}")
        return text

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.send_many(["quit"])
            except (GtpError, OSError, ValueError):
                pass
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> "GtpClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
