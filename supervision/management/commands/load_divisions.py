from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from supervision.services.jurisdictions import DivisionFileError, jurisdictions_load


class Command(BaseCommand):
    help = "Load or update GB/T 2260 administrative divisions from a `code,name` CSV (UTF-8 or GBK)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": file})
        try:
            summary = jurisdictions_load(path=file)
        except DivisionFileError as error:
            for line in error.errors:
                self.stderr.write(line)
            raise CommandError(_("The divisions file has errors; nothing was written."))
        self.stdout.write(
            _("Created %(created)s, renamed %(renamed)s, unchanged %(unchanged)s.")
            % {"created": len(summary.created), "renamed": len(summary.renamed), "unchanged": summary.unchanged}
        )
