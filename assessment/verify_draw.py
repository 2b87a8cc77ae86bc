#!/usr/bin/env python3
"""Re-run a published random draw (双随机、一公开) with nothing but the Python standard library.

    python verify_draw.py FRAME.csv SEED --size N
    python verify_draw.py FRAME.csv SEED --sizes STRATUM=N,STRATUM=N,...

FRAME.csv is the published frame file: UTF-8, header "id,stratum", one row per eligible element,
sorted by id; any columns after those two only describe the element (the examiner frame's
jurisdiction) and take no part in the draw. SEED is the seed entered at the public draw. The script prints the selected ids,
one per line, in ticket order, exactly as the platform drew them; --tickets adds each ticket.

The method is R. L. Rivest's consistent sampling (the `consistent_sampler` package): each id's
ticket is SHA-256 of (SHA-256 of the seed, as hex) followed by the id, written as a decimal
number whose digits are reversed behind "0."; within each stratum the ids with the smallest
tickets are selected. The platform itself draws with this very file."""

from __future__ import annotations

import argparse
import csv
import hashlib
import heapq
import io
import sys
from collections import defaultdict

FRAME_HEADER = ["id", "stratum"]


def seed_hash(seed: str) -> str:
    return hashlib.sha256(str(seed).encode("utf-8")).hexdigest()


def ticket(hashed_seed: str, element_id: str) -> str:
    """The ticket number of one id, as the string consistent_sampler compares."""
    value = int(hashlib.sha256((hashed_seed + str(element_id)).encode("utf-8")).hexdigest(), 16)
    return "0." + "{:064d}".format(value)[::-1]


def frame_csv(rows: list[tuple[str, str]]) -> str:
    """The canonical frame file: header, then (id, stratum) rows sorted by id, LF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FRAME_HEADER)
    writer.writerows(sorted(rows))
    return buffer.getvalue()


def frame_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_frame(text: str) -> list[tuple[str, str]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None or header[:2] != FRAME_HEADER:
        raise ValueError('the frame file must start with the header "id,stratum"')
    rows = [(row[0], row[1] if len(row) > 1 else "") for row in reader if row]
    ids = [r[0] for r in rows]
    if len(set(ids)) != len(ids):
        raise ValueError("the frame file lists an id twice")
    return rows


def draw(rows: list[tuple[str, str]], seed: str, sizes: dict[str, int]) -> list[tuple[str, str, str]]:
    """Select, in each stratum, the `sizes[stratum]` ids with the smallest tickets; return
    (ticket, id, stratum) for all of them in ticket order. A simple draw is one stratum, ""."""
    prefix = seed_hash(seed).encode("utf-8")
    sha256, from_bytes = hashlib.sha256, int.from_bytes
    by_stratum: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for element_id, stratum in rows:
        # The same value as ticket(), inlined: this loop runs once per element of the frame.
        value = from_bytes(sha256(prefix + element_id.encode("utf-8")).digest(), "big")
        by_stratum[stratum].append(("0." + format(value, "064d")[::-1], element_id))
    selected = []
    for stratum, size in sizes.items():
        for ticket_number, element_id in heapq.nsmallest(size, by_stratum.get(stratum, [])):
            selected.append((ticket_number, element_id, stratum))
    return sorted(selected)


def _parse_sizes(text: str) -> dict[str, int]:
    sizes = {}
    for part in text.split(","):
        stratum, _, number = part.rpartition("=")
        sizes[stratum] = int(number)
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("frame", help="the published frame file (CSV, header id,stratum)")
    parser.add_argument("seed", help="the seed entered at the public draw")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--size", type=int, help="sample size of a simple (unstratified) draw")
    group.add_argument("--sizes", help="sample size per stratum: STRATUM=N,STRATUM=N,...")
    parser.add_argument("--tickets", action="store_true", help="print each ticket number after the id")
    args = parser.parse_args(argv)
    with open(args.frame, encoding="utf-8") as handle:
        rows = read_frame(handle.read())
    sizes = {"": args.size} if args.size is not None else _parse_sizes(args.sizes)
    for ticket_number, element_id, _stratum in draw(rows, args.seed, sizes):
        print(f"{element_id} {ticket_number}" if args.tickets else element_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
