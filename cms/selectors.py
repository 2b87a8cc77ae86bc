"""Reads for the public site: published rounds and a search across their snapshots."""

from __future__ import annotations

from .models import ResultsPage


def published_rounds(index) -> list[ResultsPage]:
    return list(ResultsPage.objects.child_of(index).live().public().order_by("-first_published_at"))


def search_published_units(index, query: str, limit: int = 100) -> list[dict]:
    """Units of published rounds whose name or USCC contains the query (substring: Chinese has no
    word boundaries for a full-text index to use)."""
    needle = query.upper()
    hits = []
    for page in published_rounds(index):
        for unit in page.snapshot.get("units", []):
            if needle in unit["name"].upper() or needle in unit["uscc"]:
                hits.append({"page": page, "unit": unit})
                if len(hits) >= limit:
                    return hits
    return hits
