"""Plot a memory CSV of scripts/selfplay_memory.sh (seconds, rss_mib) as a PNG.
usage: python scripts/plot_memory.py IN.csv OUT.png [TITLE]"""
from __future__ import annotations

import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(source: str, target: str, title: str = "tengen selfplay: resident memory") -> None:
    with open(source) as handle:
        rows = [(float(r["seconds"]) / 60, float(r["rss_mib"])) for r in csv.DictReader(handle) if float(r["rss_mib"]) > 0]
    minutes, rss = zip(*rows)
    figure, axes = plt.subplots(figsize=(7, 3.5))
    axes.plot(minutes, rss, marker=".", linewidth=1)
    axes.set_xlabel("minutes")
    axes.set_ylabel("resident memory, MiB")
    axes.set_ylim(0, max(rss) * 1.2)
    axes.set_title(title)
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(target, dpi=100)


if __name__ == "__main__":
    main(*sys.argv[1:])
