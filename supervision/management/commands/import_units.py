from ._import import ImportCommand


class Command(ImportCommand):
    help = "Import production units from an xlsx or csv file (all or nothing; exit 1 with row errors)."
    kind = "units"
