"""Settings for bench/exam_load.py's gunicorn: production settings, relaxed only where a local,
plain-http load test needs it. Not a script: `make bench` runs every bench/*.py, so running this
file directly does nothing.

What differs from config.settings.production (everything else, middleware included, is production):
- ROOT_URLCONF: the project's config.urls plus the baseline view (exam_load_urls).
- SECURE_SSL_REDIRECT, SESSION_COOKIE_SECURE, CSRF_COOKIE_SECURE off: the load generator talks plain
  http to 127.0.0.1 (no TLS proxy in front), and an http client never sends back Secure cookies.
- STATIC_ROOT in the run's temporary directory (collectstatic runs there, not in the work tree),
  and Django's ManifestStaticFilesStorage instead of whitenoise's compressed one: the same hashed
  names and manifest lookups when a page renders, without the ~45 s of gzip/brotli compression of
  the vendored plotly bundles at every run (whitenoise still serves static files; none is fetched).
- SESSION_ENGINE only if bench/exam_load.py is given --session-engine (an experiment; default: none).
"""

if __name__ == "__main__":  # pragma: no cover - `make bench` runs every bench/*.py
    print("bench/exam_load_settings.py is a helper of bench/exam_load.py; nothing to run.")
    raise SystemExit(0)

import os

from config.settings.production import *  # noqa: F401,F403,E402

ROOT_URLCONF = "exam_load_urls"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STATIC_ROOT = os.environ["EXAM_LOAD_STATIC_ROOT"]
if os.environ.get("EXAM_LOAD_SESSION_ENGINE"):  # only when asked (--session-engine): an experiment
    SESSION_ENGINE = os.environ["EXAM_LOAD_SESSION_ENGINE"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
