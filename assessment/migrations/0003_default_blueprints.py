"""Default blueprints, one per role: 30 questions (10 true/false, 15 single, 5 multiple choice)
worth 100 points, pass at 90 % and 40 minutes, after SAMR Announcement 2019 No. 33. Every figure
can be changed in the console."""

from django.db import migrations

# area name -> (true/false, single, multiple)
CELLS = {
    "主体责任与岗位职责": (3, 4, 2),
    "法律法规与规章": (3, 4, 1),
    "标准检验与抽查": (2, 3, 1),
    "质量安全管理制度": (2, 4, 1),
}
NAMES = {"director": "质量安全总监考核（默认）", "officer": "质量安全员考核（默认）"}


def create(apps, schema_editor):
    Blueprint = apps.get_model("assessment", "Blueprint")
    BlueprintCell = apps.get_model("assessment", "BlueprintCell")
    KnowledgeArea = apps.get_model("assessment", "KnowledgeArea")
    for role, name in NAMES.items():
        blueprint, created = Blueprint.objects.get_or_create(name=name, defaults={"role": role})
        if not created:
            continue
        for area_name, counts in CELLS.items():
            area = KnowledgeArea.objects.get(name=area_name)
            for qtype, count in zip(("judge", "single", "multi"), counts):
                BlueprintCell.objects.create(blueprint=blueprint, area=area, type=qtype, count=count)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0002_knowledge_areas")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
