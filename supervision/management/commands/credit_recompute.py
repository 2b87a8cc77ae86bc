from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from supervision.services.credit import credit_classes_recompute


class Command(BaseCommand):
    help = "Recompute every unit's credit class (A-D) under the current rules. Run daily: the look-back windows move on."

    def handle(self, *args, **options):
        self.stdout.write(_("%(n)s units' credit classes computed.") % {"n": credit_classes_recompute()})
