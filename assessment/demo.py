"""Demo data for the assessment side: the starter question bank (the default blueprints come
with the migrations)."""

from pathlib import Path

from .questions_io import questions_import_file

STARTER_BANK = Path(__file__).resolve().parent / "data" / "starter_questions.csv"


def seed_bank() -> None:
    result = questions_import_file(data=STARTER_BANK.read_bytes(), filename=STARTER_BANK.name, actor=None, dry_run=False)
    if not result.ok:
        raise RuntimeError(f"the starter bank did not import: {result.errors[:3]}")
