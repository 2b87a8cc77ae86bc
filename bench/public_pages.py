"""The public results page of a round of 2,000 units: requests/s and p95, uncached and cached,
beside Wagtail's plain home page, all in the same run (issue 7). In-process (Django's test
client, no network), on its own throw-away SQLite database.

    .venv/bin/python bench/public_pages.py [--units 2000] [--requests 200]
"""

import argparse
import statistics
import sys
import time

from _common import throwaway_django


def make_round(units: int):
    from cms.models import ResultsPage
    from cms.services import results_index_ensure

    index = results_index_ensure()
    snapshot = {
        "plan": {"title": "基准测试轮次", "jurisdiction": "余杭区", "year": 2026, "batch": 1},
        "units": [
            {"name": f"基准单位{i}有限公司", "uscc": f"91330110{i:010d}", "county": "余杭区", "passed": i % 7 != 0,
             "people": [{"name": "张*明", "role": "质量安全总监", "outcome": "passed"}, {"name": "李*", "role": "质量安全员", "outcome": "failed" if i % 7 == 0 else "passed"}]}
            for i in range(units)
        ],
        "overall_units": {"label": "全部单位", "passed": units - units // 7, "total": units, "low": 0.84, "high": 0.87},
        "overall_people": {"label": "全部人员", "passed": 2 * units - units // 7, "total": 2 * units, "low": 0.91, "high": 0.94},
        "by_county": [], "by_role": [], "county_test": "只有一个县（区）参加，无从比较。",
        "charts": {},
        "draw": {"frame_sha256": "0" * 64, "frame_size": units * 20, "seed": "1" * 24, "sizes": {"": units}, "method": "consistent-sampler/sha256 simple", "drawn_at": "", "code_sha256": "", "redraw_reasons": []},
        "frame_csv": "id,stratum\n",
    }
    page = index.add_child(instance=ResultsPage(title="基准测试轮次结果公示", slug="bench", snapshot=snapshot))
    page.save_revision().publish()
    return page


def measure(client, url: str, n: int, clear_cache: bool) -> tuple[float, float, float]:
    from django.core.cache import cache

    times = []
    for _ in range(n):
        if clear_cache:
            cache.clear()
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    total = sum(times)
    p95 = statistics.quantiles(times, n=20)[18]
    return n / total, statistics.median(times) * 1000, p95 * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with throwaway_django(DEBUG="0"):
        from django.test import Client

        page = make_round(args.units)
        client = Client(HTTP_HOST="localhost")
        client.get("/")  # warm up templates and URL resolvers
        rows = [
            ("Wagtail home page (baseline)", "/", False),
            (f"results page, {args.units:,} units, cache cleared before each request", page.url, True),
            (f"results page, {args.units:,} units, cached", page.url, False),
        ]
        results = [(label, *measure(client, url, args.requests, clear)) for label, url, clear in rows]
        base = results[0][1]
        print(f"# public pages: a published round of {args.units:,} units; {args.requests} requests each, in-process, SQLite, local-memory cache")
        print(f"# command: {' '.join(sys.argv)}")
        print()
        print("| page | requests/s | p50 ms | p95 ms | vs home page |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for label, rate, p50, p95 in results:
            print(f"| {label} | {rate:,.0f} | {p50:.1f} | {p95:.1f} | {rate / base:.2f}× |")


if __name__ == "__main__":
    main()
