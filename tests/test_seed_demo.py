import pytest
from django.core.management import call_command

from assessment.models import Question
from supervision.models import Person, ProductionUnit, StaffProfile


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_the_logins(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "yuhang-operator" in out and "hangzhou-overseer" in out and "demo-Zlaq-2026" in out
    counts = (ProductionUnit.objects.count(), Person.objects.count(), Question.objects.count(), StaffProfile.objects.count())
    assert counts[0] >= 300 and counts[1] >= counts[0] and counts[2] >= 150
    call_command("seed_demo")
    assert (ProductionUnit.objects.count(), Person.objects.count(), Question.objects.count(), StaffProfile.objects.count()) == counts
