from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from supervision.services.credit import credit_classes_recompute
from supervision.services.credit_backfill import credit_findings_open_long


class Command(BaseCommand):
    help = ("Record the orders open for long, then recompute every unit's credit class (A-D) under the current rules. "
            "Run daily: the look-back windows move on.")

    def handle(self, *args, **options):
        self.stdout.write(_("%(n)s orders open for long recorded.") % {"n": credit_findings_open_long()})
        self.stdout.write(_("%(n)s units' credit classes computed.") % {"n": credit_classes_recompute()})
