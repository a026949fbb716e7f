"""Plot memory CSVs of scripts/selfplay_memory.sh (seconds, rss_mib) on one PNG.
usage: python scripts/plot_memory.py OUT.png TITLE IN.csv=LABEL [IN.csv=LABEL ...]"""
from __future__ import annotations

import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(target: str, title: str, *series: str) -> None:
    figure, axes = plt.subplots(figsize=(7.5, 3.8))
    top = 0.0
    for item in series:
        source, _, label = item.partition("=")
        with open(source) as handle:
            rows = [(float(r["seconds"]) / 60, float(r["rss_mib"])) for r in csv.DictReader(handle)
                    if float(r["rss_mib"]) > 0]
        minutes, rss = zip(*rows)
        top = max(top, max(rss))
        axes.plot(minutes, rss, marker=".", linewidth=1, label=label or source)
    axes.set_xlabel("minutes")
    axes.set_ylabel("resident memory, MiB")
    axes.set_ylim(0, top * 1.2)
    axes.set_title(title)
    axes.grid(alpha=0.3)
    axes.legend(loc="lower right")
    figure.tight_layout()
    figure.savefig(target, dpi=100)


if __name__ == "__main__":
    main(*sys.argv[1:])
