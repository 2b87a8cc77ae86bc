"""Document numbers: per bureau, per year, per kind of document, from a locked counter row, so
two staff issuing at the same moment get consecutive numbers and never the same one."""

from django.db import IntegrityError, transaction

from ..models import DocumentCounter, DocumentKind, Jurisdiction

# 文号 prefixes after the county's name: 责改 (order to correct), 罚告 (prior notice), 罚 (decision).
PREFIXES = {DocumentKind.ORDER: "市监责改", DocumentKind.NOTICE: "市监罚告", DocumentKind.DECISION: "市监罚"}


def _counter_row(jurisdiction: Jurisdiction, year: int, kind: str) -> DocumentCounter:
    lookup = {"jurisdiction": jurisdiction, "year": year, "kind": kind}
    try:
        with transaction.atomic():
            DocumentCounter.objects.get_or_create(**lookup)
    except IntegrityError:
        pass  # another transaction created the row first; it is there now
    return DocumentCounter.objects.select_for_update().get(**lookup)


@transaction.atomic
def document_number_next(*, jurisdiction: Jurisdiction, kind: str, year: int) -> str:
    """The next number, e.g. 余杭区市监罚〔2026〕7号. The row stays locked until the caller's
    transaction ends, so the number and the document are committed together or not at all."""
    counter = _counter_row(jurisdiction, year, kind)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{jurisdiction.name}{PREFIXES[kind]}〔{year}〕{counter.last}号"
