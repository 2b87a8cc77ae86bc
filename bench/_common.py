"""What the in-process benches with a database of their own share (bench/import_units.py has the
fuller choice of SQLite or PostgreSQL, for the benches that compare them)."""

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


@contextlib.contextmanager
def throwaway_django(**environ: str) -> Iterator[None]:
    """Django (config.settings.dev, with `environ` set) on a new SQLite database, migrated, that is
    deleted on leaving the block."""
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
        os.environ["DATABASE_URL"] = f"sqlite:///{os.path.join(tmp, 'bench.sqlite3')}"
        os.environ.update(environ)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        yield
