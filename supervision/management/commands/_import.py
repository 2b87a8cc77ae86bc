"""The shared body of every import command (`import_units`, `import_personnel`, assessment's
`import_questions`): the kind's check/write comes from the import-kind registry
(`supervision.services.import_jobs`), so the command line and the console run the same import."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from supervision.imports.table import ImportFileError
from supervision.models import Jurisdiction
from supervision.services.import_jobs import import_kind_spec


class ImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        if import_kind_spec(self.kind).needs_jurisdiction:
            parser.add_argument("--jurisdiction", required=True, help="GB/T 2260 code of the importing bureau")
        parser.add_argument("--dry-run", action="store_true", help="validate and report; write nothing")
        if self.kind == "personnel":
            parser.add_argument("--complete-staff", action="store_true",
                                help="the file lists everyone in post of its units: the others leave their post today")

    def handle(self, *args, file: Path, dry_run: bool, jurisdiction: str | None = None, complete_staff: bool = False, **options):
        bureau = None
        if jurisdiction is not None:
            try:
                bureau = Jurisdiction.objects.get(code=jurisdiction)
            except Jurisdiction.DoesNotExist:
                raise CommandError(_("No such division code: %(code)s") % {"code": jurisdiction})
        if not file.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": file})
        try:
            result = import_kind_spec(self.kind).run(
                data=file.read_bytes(), filename=file.name, jurisdiction=bureau,
                actor=None, dry_run=dry_run, complete_staff=complete_staff,
            )
        except ImportFileError as error:
            raise CommandError(str(error))
        for error in result.errors:
            self.stderr.write(str(error))
        summary = _("%(total)s rows: %(created)s to create, %(updated)s to update, %(unchanged)s unchanged, %(errors)s errors.") % {
            "total": result.total_rows, "created": result.created, "updated": result.updated,
            "unchanged": result.unchanged, "errors": len(result.errors),
        }
        self.stdout.write(summary)
        for change in result.leaving:
            self.stdout.write(_("Leaves the post: %(who)s") % {"who": change.label})
        if result.left:
            self.stdout.write(_("%(left)s people leave their post.") % {"left": result.left})
        if result.errors:
            self.stderr.write(_("Nothing was written: correct the rows above and import again."))
            sys.exit(1)
        self.stdout.write(_("Written.") if result.written else _("Dry run: nothing was written."))
