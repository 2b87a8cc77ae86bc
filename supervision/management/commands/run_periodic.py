from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from config.periodic import Scheduler


class Command(BaseCommand):
    help = "Run the periodic commands of settings.PERIODIC_COMMANDS on their intervals (exam housekeeping, scheduled publishing, overdue orders), until stopped. --once runs what is due now and exits."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every command once and exit")

    def handle(self, *args, once=False, **options):
        scheduler = Scheduler()
        if once:
            outcome = scheduler.run_due(0.0)
            for name, ok in outcome.items():
                self.stdout.write(("%s: " % name) + (_("done") if ok else _("failed (see the log)")))
            return
        self.stdout.write(_("Running the periodic commands: %(names)s.") % {"names": ", ".join(n for n, _i in scheduler.commands)})
        scheduler.run_forever()
