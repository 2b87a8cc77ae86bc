"""The URLconf of bench/exam_load.py's gunicorn: the project's config.urls, unchanged, plus the
baseline view at /bench/baseline/. Not a script (`make bench` runs every bench/*.py).

The baseline is the least a Django view that stores one answer can do: the same middleware
(sessions, CSRF, auth, axes, whitenoise...) as every exam request, then one upsert in raw SQL
on a two-column table the benchmark creates (no model, no migration). It is POSTed exactly as the
save endpoint is: form body, CSRF cookie and X-CSRFToken header.
"""

if __name__ == "__main__":  # pragma: no cover
    print("bench/exam_load_urls.py is a helper of bench/exam_load.py; nothing to run.")
    raise SystemExit(0)

from django.db import connection  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.http import require_POST  # noqa: E402

from config.urls import urlpatterns as project_urlpatterns  # noqa: E402

BASELINE_TABLE = "exam_load_baseline"
BASELINE_DDL = f"""
CREATE TABLE IF NOT EXISTS {BASELINE_TABLE} (
    k integer PRIMARY KEY,
    v varchar(8) NOT NULL,
    saved_at timestamptz NOT NULL
)"""
UPSERT = (
    f"INSERT INTO {BASELINE_TABLE} (k, v, saved_at) VALUES (%s, %s, now()) "
    "ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v, saved_at = EXCLUDED.saved_at"
)


@require_POST
def baseline(request):
    try:
        key = int(request.POST.get("key", ""))
    except ValueError:
        return JsonResponse({"error": "key"}, status=400)
    with connection.cursor() as cursor:
        cursor.execute(UPSERT, [key, request.POST.get("answer", "")[:8]])
    return JsonResponse({"saved": True})


# First: Wagtail's page serving at the end of config.urls answers every other path.
urlpatterns = [path("bench/baseline/", baseline, name="exam_load_baseline"), *project_urlpatterns]
