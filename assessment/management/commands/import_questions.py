import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from assessment.questions_io import questions_import_file
from supervision.imports.table import ImportFileError


class Command(BaseCommand):
    help = "Import questions from an xlsx or csv file (all or nothing; exit 1 with row errors). New questions are active."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        if not file.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": file})
        try:
            result = questions_import_file(data=file.read_bytes(), filename=file.name, actor=None, dry_run=dry_run)
        except ImportFileError as error:
            raise CommandError(str(error))
        for error in result.errors:
            self.stderr.write(str(error))
        self.stdout.write(_("%(total)s rows: %(created)s to create, %(updated)s to update, %(unchanged)s unchanged, %(errors)s errors.") % {
            "total": result.total_rows, "created": result.created, "updated": result.updated,
            "unchanged": result.unchanged, "errors": len(result.errors)})
        if result.errors:
            self.stderr.write(_("Nothing was written: correct the rows above and import again."))
            sys.exit(1)
        self.stdout.write(_("Written.") if result.written else _("Dry run: nothing was written."))
