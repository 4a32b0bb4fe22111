"""Derives the default cross-venue basis rate (docs/methodology.md, "Basis between classes") from the shared
multivenue funding histories: the worst net funding a hedge of one perpetual against the same underlying's
perpetual on another venue pays over a two-day close-out (6 eight-hour settlements), as a fraction of notional.

Run from the repository: python3 scripts/basis-rate.py ../shared/market-data/funding/multivenue (the folder described in
the shared market-data README; its files are read, not copied). Standard library only.
Timestamps: the fetcher wrote local times at UTC+3 for Binance, Bybit, HTX, MEXC and KuCoin (market-data README,
"Known quirks"); Gate's are UTC. dYdX settles hourly and is left out.
"""
import csv
import sys
from datetime import datetime, timedelta
from pathlib import Path

SHIFTED = {"binance", "bybit", "htx", "mexc"}
# KuCoin settles at 04/12/20 UTC, never at the same time as the others: no pair to compare.
VENUES = ["binance", "bybit", "gate", "htx", "mexc"]
WINDOW = 6  # two days of 8-hour settlements


def load(path: Path, venue: str) -> dict:
    out = {}
    with path.open() as f:
        for row in csv.DictReader(f):
            t = datetime.fromisoformat(row["Date"][:19])
            if venue in SHIFTED:
                t -= timedelta(hours=3)
            t = t.replace(minute=0, second=0)
            out[t] = float(row["Funding Rate"])
    return out


def worst_window(a: dict, b: dict) -> tuple:
    times = sorted(set(a) & set(b))
    spreads = [(t, b[t] - a[t]) for t in times]
    worst = (0.0, None)
    for i in range(len(spreads) - WINDOW + 1):
        chunk = spreads[i : i + WINDOW]
        # consecutive settlements only (8 hours apart)
        if (chunk[-1][0] - chunk[0][0]) != timedelta(hours=8 * (WINDOW - 1)):
            continue
        total = abs(sum(s for _, s in chunk))
        if total > worst[0]:
            worst = (total, chunk[0][0])
    return worst


def main(folder: str) -> None:
    overall = (0.0, "")
    for pair in ["BTC-USDT", "ETH-USDT"]:
        data = {}
        for v in VENUES:
            files = list((Path(folder) / pair).glob(f"{pair}_{v}_*_funding_history.csv"))
            if files:
                data[v] = load(files[0], v)
        for i, x in enumerate(VENUES):
            for y in VENUES[i + 1 :]:
                if x in data and y in data:
                    w, at = worst_window(data[x], data[y])
                    print(f"{pair} {x}-{y}: worst 2-day net funding {w:.6f} from {at}")
                    if w > overall[0]:
                        overall = (w, f"{pair} {x}-{y} from {at}")
    print(f"worst over all pairs: {overall[0]:.6f} ({overall[1]})")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/market-data/funding/multivenue")
