from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from assessment.services.attempts import attempts_finalize_expired, sessions_mark_absent


class Command(BaseCommand):
    help = "Submit attempts whose deadline has passed and mark absent the candidates of closed sessions. Run every minute."

    def handle(self, *args, **options):
        submitted = attempts_finalize_expired()
        absent = sessions_mark_absent()
        self.stdout.write(_("Submitted %(submitted)s expired attempts; marked %(absent)s candidates absent.") % {"submitted": submitted, "absent": absent})
