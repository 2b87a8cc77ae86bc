"""Reads for the public site: published rounds and a search across their snapshots."""

from __future__ import annotations

from .models import NoticePage, ResultsPage


def published_rounds(index) -> list[ResultsPage]:
    """Every bureau's published rounds on the index's site (they live in the bureaus' subtrees)."""
    site_root = index.get_parent()
    return list(ResultsPage.objects.descendant_of(site_root).live().public().order_by("-first_published_at"))


def bureau_rounds(bureau) -> list[ResultsPage]:
    return list(ResultsPage.objects.child_of(bureau).live().public().order_by("-first_published_at"))


def bureau_notices(bureau) -> list[NoticePage]:
    return list(NoticePage.objects.child_of(bureau).live().public().order_by("-date", "-pk"))


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
