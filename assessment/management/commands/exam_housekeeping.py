from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from assessment.services.attempts import attempts_finalize_expired, sessions_mark_absent
from assessment.services.sessions import notice_codes_erase


class Command(BaseCommand):
    help = "Submit attempts whose deadline has passed, mark absent the candidates of closed sessions and erase their kept access codes. Run every minute."

    def handle(self, *args, **options):
        submitted = attempts_finalize_expired()
        absent = sessions_mark_absent()
        erased = notice_codes_erase()
        self.stdout.write(_("Submitted %(submitted)s expired attempts; marked %(absent)s candidates absent; erased the kept access codes of %(erased)s printings of ended sessions.") % {"submitted": submitted, "absent": absent, "erased": erased})
