"""A stratified draw from 1,000,000 persons (issue 5; target under 3 s on this machine), beside
the time to hash the frame alone, and the consistent_sampler package on the same frame.

    .venv/bin/python bench/draw.py [--persons 1000000] [--strata 90] [--sample 5000]
"""

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assessment import verify_draw  # noqa: E402

SEED = "27182818284590452353602874"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--strata", type=int, default=90, help="e.g. the counties of a province")
    parser.add_argument("--sample", type=int, default=5000)
    args = parser.parse_args()

    rng = random.Random(1)
    strata = [f"33{c:04d}" for c in range(args.strata)]
    rows = [(f"91330110{i:010d}-{i}", rng.choice(strata)) for i in range(args.persons)]
    counts: dict[str, int] = {}
    for _id, stratum in rows:
        counts[stratum] = counts.get(stratum, 0) + 1

    start = time.perf_counter()
    text = verify_draw.frame_csv(rows)
    csv_s = time.perf_counter() - start

    start = time.perf_counter()
    digest = verify_draw.frame_sha256(text)
    hash_s = time.perf_counter() - start

    # Proportional allocation, as the platform does (without Django: the same arithmetic).
    total = sum(counts.values())
    sizes = {h: max(1, round(args.sample * n / total)) for h, n in counts.items()}

    start = time.perf_counter()
    parsed = verify_draw.read_frame(text)
    parse_s = time.perf_counter() - start

    start = time.perf_counter()
    selected = verify_draw.draw(parsed, SEED, sizes)
    draw_s = time.perf_counter() - start

    from consistent_sampler import sampler

    subset = args.persons // 10
    ids = [element_id for element_id, _s in rows[:subset]]
    start = time.perf_counter()
    theirs = list(sampler(ids, SEED, take=args.sample // 10, output="id"))
    package_s = time.perf_counter() - start
    ours = [e for _t, e, _s in verify_draw.draw([(i, "") for i in ids], SEED, {"": args.sample // 10})]
    assert ours == theirs, "our draw differs from consistent_sampler"

    end_to_end = parse_s + draw_s
    print(f"# stratified draw: {args.persons:,} persons in {len(counts)} strata, sample {sum(sizes.values()):,}; frame sha256 {digest[:16]}…")
    print(f"# command: {' '.join(sys.argv)}")
    print()
    print("| step | seconds | vs hashing the frame |")
    print("| --- | ---: | ---: |")
    print(f"| hash the frame file alone (SHA-256, {len(text) / 1e6:.0f} MB) | {hash_s:.3f} | 1.0× |")
    print(f"| write the canonical frame CSV (at freeze, once) | {csv_s:.3f} | {csv_s / hash_s:.1f}× |")
    print(f"| read the frame file | {parse_s:.3f} | {parse_s / hash_s:.1f}× |")
    print(f"| draw: a ticket per person, smallest per stratum | {draw_s:.3f} | {draw_s / hash_s:.1f}× |")
    print(f"| **draw from the frame file, end to end** | **{end_to_end:.3f}** | {end_to_end / hash_s:.1f}× |")
    print(f"| consistent_sampler package, {subset:,} ids (1/10), same result checked | {package_s:.3f} | {package_s / hash_s:.1f}× |")
    print()
    print(f"target < 3 s for the draw: {'MET' if end_to_end < 3 else 'NOT MET'} ({end_to_end:.2f} s)")


if __name__ == "__main__":
    main()
