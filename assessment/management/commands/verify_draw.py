import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from assessment.models import Draw
from assessment.services.sampling import draw_verify


class Command(BaseCommand):
    help = "Re-run a stored draw from its frozen frame and seed and compare with what was stored."

    def add_arguments(self, parser):
        parser.add_argument("draw_id", type=int)

    def handle(self, *args, draw_id: int, **options):
        try:
            draw = Draw.objects.select_related("frame", "plan").get(pk=draw_id)
        except Draw.DoesNotExist:
            raise CommandError(_("No such draw: %(id)s") % {"id": draw_id})
        if draw_verify(draw):
            self.stdout.write(_("Draw %(id)s re-run: identical to the stored result (frame SHA-256 %(sha)s).") % {"id": draw.pk, "sha": draw.frame.sha256})
        else:
            self.stderr.write(_("Draw %(id)s re-run: DIFFERENT from the stored result.") % {"id": draw.pk})
            sys.exit(1)
