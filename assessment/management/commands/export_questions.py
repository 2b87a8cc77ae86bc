from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from assessment.models import Question, QuestionStatus
from assessment.questions_io import questions_export


class Command(BaseCommand):
    help = "Export the question bank (active questions, or --all) to xlsx or csv."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, type=Path)
        parser.add_argument("--all", action="store_true", help="include drafts and retired questions")

    def handle(self, *args, output: Path, all: bool, **options):
        queryset = Question.objects.all() if all else Question.objects.filter(status=QuestionStatus.ACTIVE)
        file_format = "csv" if output.suffix.lower() == ".csv" else "xlsx"
        output.write_bytes(questions_export(queryset=queryset.order_by("pk"), file_format=file_format))
        self.stdout.write(_("Exported %(count)s questions to %(path)s.") % {"count": queryset.count(), "path": output})
