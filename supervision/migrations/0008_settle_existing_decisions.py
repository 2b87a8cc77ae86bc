import re

from django.db import migrations

NUMBER = re.compile(r"〔(\d{4})〕(\d+)号$")


def settle_existing(apps, schema_editor):
    """Before one fine per order (行政处罚法 Art. 29) becomes a constraint: on an order fined more
    than once under the old code, the first fine stands and the later ones are marked superseded.
    The document counters start after the highest number each bureau has already used."""
    Decision = apps.get_model("supervision", "PenaltyDecision")
    Order = apps.get_model("supervision", "RectificationOrder")
    Counter = apps.get_model("supervision", "DocumentCounter")
    for kind in ("fine", "warning"):
        seen = set()
        for decision in Decision.objects.filter(kind=kind).order_by("order_id", "decided_on", "pk"):
            if decision.order_id in seen:
                decision.superseded = True
                decision.correction_reason = "一事不再罚（行政处罚法第二十九条）：迁移时标记为重复决定"
                decision.save(update_fields=["superseded", "correction_reason"])
            seen.add(decision.order_id)
    last = {}
    for model, kind in ((Order, "order"), (Decision, "decision")):
        for number, county_id in model.objects.values_list("number", "unit__county_id"):
            match = NUMBER.search(number)
            if match:
                key = (county_id, int(match.group(1)), kind)
                last[key] = max(last.get(key, 0), int(match.group(2)))
    for (jurisdiction_id, year, kind), number in last.items():
        counter, _ = Counter.objects.get_or_create(jurisdiction_id=jurisdiction_id, year=year, kind=kind)
        if counter.last < number:
            counter.last = number
            counter.save(update_fields=["last"])


class Migration(migrations.Migration):

    dependencies = [("supervision", "0007_penalty_procedure")]

    operations = [migrations.RunPython(settle_existing, migrations.RunPython.noop)]
