from supervision.management.commands._import import ImportCommand
from supervision.models import ImportKind


class Command(ImportCommand):
    help = "Import questions from an xlsx or csv file (all or nothing; exit 1 with row errors). New questions are active."
    kind = ImportKind.QUESTIONS
