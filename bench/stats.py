"""Item analysis of 100,000 attempts × 30 items (issue 7; target under 1 s), beside the same
statistics computed with plain Python loops on a tenth of the attempts.

    .venv/bin/python bench/stats.py [--attempts 100000] [--items 30]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def python_item_analysis(rows: list[list[float]]) -> tuple[list[float], float]:
    """Facility per item and Cronbach's alpha with the standard library: the baseline."""
    k = len(rows[0])
    columns = list(zip(*rows))
    facility = [sum(c) / len(c) for c in columns]
    totals = [sum(r) for r in rows]
    item_var = sum(statistics.variance(c) for c in columns)
    alpha = k / (k - 1) * (1 - item_var / statistics.variance(totals))
    for j, column in enumerate(columns):  # discrimination: item vs rest of test
        rest = [t - x for t, x in zip(totals, column)]
        statistics.correlation(column, rest)
    return facility, alpha


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=30)
    args = parser.parse_args()
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from assessment.selectors import item_analysis

    rng = np.random.default_rng(1)
    ability = rng.normal(size=(args.attempts, 1))
    difficulty = rng.normal(size=(1, args.items))
    matrix = (rng.random((args.attempts, args.items)) < 1 / (1 + np.exp(-(ability - difficulty)))).astype(float)

    start = time.perf_counter()
    facility, sd, disc, efficiency, test = item_analysis(matrix)
    ours = time.perf_counter() - start

    tenth = matrix[: args.attempts // 10].tolist()
    start = time.perf_counter()
    py_facility, py_alpha = python_item_analysis(tenth)
    python_s = time.perf_counter() - start
    check = item_analysis(np.array(tenth))
    assert np.allclose(check[0], py_facility) and abs(check[4].alpha - py_alpha) < 1e-9

    print(f"# item analysis: {args.attempts:,} attempts × {args.items} items (alpha {test.alpha:.3f})")
    print(f"# command: {' '.join(sys.argv)}")
    print()
    print("| what | attempts | seconds | attempts/s |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| ours (numpy, vectorised: facility, SD, discrimination, efficiency, alpha, SE) | {args.attempts:,} | {ours:.3f} | {args.attempts / ours:,.0f} |")
    print(f"| plain Python (statistics module: facility, discrimination, alpha) | {len(tenth):,} | {python_s:.3f} | {len(tenth) / python_s:,.0f} |")
    print()
    print(f"target < 1 s: {'MET' if ours < 1 else 'NOT MET'} ({ours:.2f} s)")


if __name__ == "__main__":
    main()
