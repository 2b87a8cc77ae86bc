from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from supervision.services.enforcement import orders_mark_overdue


class Command(BaseCommand):
    help = "Mark as overdue the orders to correct whose deadline has passed. Run daily (or every hour)."

    def handle(self, *args, **options):
        self.stdout.write(_("%(n)s orders are now overdue.") % {"n": orders_mark_overdue()})
