from ._import import ImportCommand


class Command(ImportCommand):
    help = "Import principals, directors and officers from an xlsx or csv file (all or nothing; exit 1 with row errors)."
    kind = "personnel"
