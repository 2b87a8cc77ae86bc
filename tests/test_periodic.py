"""The one scheduler of the periodic commands (config/periodic.py, `manage.py run_periodic`)."""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings

from config.periodic import Scheduler
from supervision.fake_register import unit_rows
from supervision.models import OrderSource, OrderStatus, ProductionUnit
from supervision.services import enforcement as svc
from tests.factories import import_units

DAY = 24 * 3600


def test_each_command_runs_at_start_and_then_on_its_interval():
    scheduler = Scheduler(commands=[("exam_housekeeping", 60), ("publish_scheduled", 60), ("mark_overdue_orders", DAY)])
    assert scheduler.due(0) == ["exam_housekeeping", "publish_scheduled", "mark_overdue_orders"]
    for name in scheduler.due(0):
        scheduler.last_start[name] = 0
    assert scheduler.due(59) == [] and scheduler.next_due_in(59) == 1
    assert scheduler.due(60) == ["exam_housekeeping", "publish_scheduled"]
    for name in scheduler.due(60):
        scheduler.last_start[name] = 60
    assert scheduler.due(DAY - 1) == ["exam_housekeeping", "publish_scheduled"]
    assert "mark_overdue_orders" in scheduler.due(DAY)


def test_the_settings_schedule_names_commands_that_exist():
    """A typo in PERIODIC_COMMANDS would only show in the scheduler's log: every name must resolve."""
    from django.core.management import get_commands

    names = [name for name, _interval in Scheduler().commands]
    assert {"exam_housekeeping", "publish_scheduled", "mark_overdue_orders"} <= set(names)
    assert set(names) <= set(get_commands())


@pytest.mark.django_db
def test_a_tick_marks_an_order_overdue_once_its_deadline_has_passed(staff, tree):
    """Art. 17: the daily run turns an unverified order past its deadline overdue, as the system actor."""
    assert import_units(unit_rows(1, ["330110"], seed=81), tree.county_a).ok
    unit = ProductionUnit.objects.get(county=tree.county_a)
    order = svc.order_issue(actor=staff.operator_a, unit=unit, reason="未配备质量安全员", legal_basis=svc.ART_5_17, source_kind=OrderSource.REGISTER)
    scheduler = Scheduler()
    assert all(scheduler.run_due(0).values())
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED  # not yet due
    with time_machine.travel(order.deadline + timedelta(days=1)):
        assert scheduler.run_due(DAY)["mark_overdue_orders"] is True
    order.refresh_from_db()
    assert order.status == OrderStatus.OVERDUE


@pytest.mark.django_db
def test_a_failing_command_is_logged_and_does_not_stop_the_others(caplog):
    scheduler = Scheduler(commands=[("no_such_command", 60), ("exam_housekeeping", 60)])
    with caplog.at_level(logging.INFO, logger="zlaq.periodic"):
        outcome = scheduler.run_due(0)
    assert outcome == {"no_such_command": False, "exam_housekeeping": True}
    assert "no_such_command failed" in caplog.text
    assert scheduler.due(30) == []  # tried again at its next interval, not in a tight loop
    assert scheduler.due(60) == ["no_such_command", "exam_housekeeping"]


@pytest.mark.django_db
@override_settings(PERIODIC_COMMANDS=[("exam_housekeeping", 60)])
def test_run_periodic_once(capsys):
    call_command("run_periodic", "--once")
    assert "exam_housekeeping" in capsys.readouterr().out
