from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from supervision.services.credit_backfill import credit_backfill


class Command(BaseCommand):
    help = ("Rebuild the quality credit record from the orders and penalty decisions and from what assessment and "
            "inspection report again (their sources registered in ready()); events already on record stay. Logged as the system user.")

    def add_arguments(self, parser):
        parser.add_argument("--since", help="only sources from this date (YYYY-MM-DD)")

    def handle(self, *args, since=None, **options):
        try:
            since = date.fromisoformat(since) if since else None
        except ValueError as error:
            raise CommandError(_("The date must be written YYYY-MM-DD.")) from error
        for name, count in credit_backfill(since=since).items():
            self.stdout.write(_("%(source)s: %(n)s new events") % {"source": name, "n": count})
