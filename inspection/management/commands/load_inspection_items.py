from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from inspection.services.items import items_load


class Command(BaseCommand):
    help = "Load the starter inspection item list (抽查事项清单). Items already there are left as they are; safe to run again."

    def handle(self, *args, **options):
        try:
            created, unchanged = items_load(actor=None)
        except ValidationError as error:
            raise CommandError("\n".join(error.messages))
        self.stdout.write(_("Inspection items: %(created)s created, %(unchanged)s already there.") % {
            "created": created, "unchanged": unchanged})
