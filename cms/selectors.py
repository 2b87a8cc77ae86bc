"""Reads for the public site across published rounds: the search of their snapshots.

A page's own children (a bureau's rounds and notices, the index's rounds) are read by the page
(`cms/models.py`, as Wagtail pages do), which then calls this module: the dependency runs one way,
models to selectors, so neither imports the other inside a function."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for the annotations only: cms.models imports this module
    from .models import ResultsPage


def published_units_search(*, rounds: Iterable[ResultsPage], query: str, limit: int = 100) -> list[dict]:
    """Units of the published rounds whose name or USCC contains the query (substring: Chinese has
    no word boundaries for a full-text index to use)."""
    needle = query.upper()
    hits = []
    for page in rounds:
        for unit in page.snapshot.get("units", []):
            if needle in unit["name"].upper() or needle in unit["uscc"]:
                hits.append({"page": page, "unit": unit})
                if len(hits) >= limit:
                    return hits
    return hits
