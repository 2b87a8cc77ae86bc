from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from supervision.exports import units_export
from supervision.models import Jurisdiction, ProductionUnit


class Command(BaseCommand):
    help = "Export the register of units of a jurisdiction's subtree to xlsx or csv (formula-safe)."

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", required=True)
        parser.add_argument("-o", "--output", required=True, type=Path)

    def handle(self, *args, jurisdiction: str, output: Path, **options):
        try:
            bureau = Jurisdiction.objects.get(code=jurisdiction)
        except Jurisdiction.DoesNotExist:
            raise CommandError(_("No such division code: %(code)s") % {"code": jurisdiction})
        file_format = "csv" if output.suffix.lower() == ".csv" else "xlsx"
        queryset = ProductionUnit.objects.filter(county__path__startswith=bureau.path)
        output.write_bytes(units_export(queryset=queryset, file_format=file_format))
        self.stdout.write(_("Exported %(count)s units to %(path)s.") % {"count": queryset.count(), "path": output})
