"""The four knowledge areas, following the structure of SAMR's 2024 food-sector assessment outline
adapted to industrial products."""

from django.db import migrations

AREAS = [
    ("主体责任与岗位职责", "master", "生产单位主要负责人、质量安全总监、质量安全员的责任和职责（第75号令第三条至第八条）。"),
    ("法律法规与规章", "master", "产品质量法、标准化法、认证认可条例、工业产品生产许可证管理条例、第75号令。"),
    ("标准检验与抽查", "familiar", "强制性国家标准、进货查验、过程检验、出厂检验、监督抽查。"),
    ("质量安全管理制度", "master", "风险管控清单、日管控、周排查、月调度、记录存档、追溯与召回、培训考核。"),
]


def create(apps, schema_editor):
    KnowledgeArea = apps.get_model("assessment", "KnowledgeArea")
    for order, (name, mastery, description) in enumerate(AREAS, start=1):
        KnowledgeArea.objects.get_or_create(name=name, defaults={"mastery": mastery, "description": description, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
