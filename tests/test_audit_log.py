"""Every write is logged (issue #16; Zulip's test_audit_log.py is the model).

Two nets. The static one reads every service module: a public function that writes (under a
transaction, or calling save/create/update/delete) must log, itself or through a function it calls,
or be listed in EXEMPT with the reason. The runtime one asserts, for every action code a service
logs, that some test asserts its entry: the codes no other test names are exercised here through
the real services, with the actor and what changed. A new service without a log entry, or a new
action code nobody asserts, fails here."""

import ast
import pathlib
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.log_actions import registry
from wagtail.models import ModelLogEntry

ROOT = pathlib.Path(__file__).resolve().parent.parent
WRITES = {"save", "create", "update", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}

# Writes that are not state changes a regulator answers for, or that log another way.
EXEMPT = {
    "assessment/services/attempts.py:save_passes_revoke": "revokes the candidates' save passes at submission; the submission is logged",
    "assessment/services/attempts.py:attempt_save_answers": "a candidate's answers: the answers are the record (AttemptAnswer rows with saved_at)",
    "assessment/services/sessions.py:ticket_login": "a candidate's login, counted by the throttle; the attempt it starts is the record",
    "assessment/services/sessions.py:notice_print_record": "stamps when notices were printed (NoticePrinting rows are the record)",
    "supervision/services/documents.py:document_number_next": "the number counter; the document it numbers is logged by its service",
    "supervision/services/import_jobs.py:import_job_create": "an uploaded file waiting for its preview; nothing in the register changed",
    "supervision/services/import_jobs.py:import_job_confirm": "queues the import; its writes are logged per row by supervision/imports/changes.py",
    "supervision/services/import_jobs.py:import_job_execute": "logs supervision.import_change per changed row in bulk (supervision/imports/changes.py)",
    "supervision/services/jurisdictions.py:jurisdictions_load": "loads the national division list (reference data) from the shipped file",
    "supervision/services/system.py:system_actor": "creates the named system actor the automatic writes are logged under",
    "cms/services.py:home_page_ensure": "creates the site's skeleton pages once (setup, not a publication)",
    "cms/services.py:results_index_ensure": "creates the results index once (setup, not a publication)",
    "cms/services.py:bureau_page_ensure": "creates a bureau's subtree page once (setup, not a publication)",
    "cms/services.py:bureau_pages_sync": "keeps bureau pages and their workflows in step with the jurisdictions (setup)",
    "cms/services_disclosure.py:on_disclosure_withdrawn": "takes the page down once supervision.disclosure_withdraw is logged; Wagtail logs the unpublish",
    "cms/services.py:bureau_collections_sync": "keeps bureau collections and their groups' permissions in step with the jurisdictions (setup)",
}


def service_modules():
    paths = [p for app in ("supervision", "assessment", "inspection") for p in (ROOT / app / "services").glob("*.py") if p.name != "__init__.py"]
    return paths + [ROOT / "cms" / "services.py", ROOT / "cms" / "services_disclosure.py"]


def service_functions():
    """{"path:name": (writes, calls, action codes)} for every top-level function of the services."""
    found = {}
    for path in service_modules():
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            calls = {ast.unparse(c.func).split(".")[-1] for c in ast.walk(node) if isinstance(c, ast.Call)}
            writes = bool(calls & WRITES) or "transaction.atomic" in ast.unparse(node)
            codes = {k.value.value for c in ast.walk(node) if isinstance(c, ast.Call) for k in c.keywords
                     if k.arg in ("action", "log_action") and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)}
            found[f"{path.relative_to(ROOT)}:{node.name}"] = (writes, calls, codes)
    return found


def logging_functions(functions) -> set[str]:
    """The functions that log, themselves or through a service or helper they call (by name)."""
    logs = {key for key, (_w, calls, _c) in functions.items() if "log" in calls}
    names = {key.split(":")[1] for key in logs}
    grown = True
    while grown:
        grown = False
        for key, (_w, calls, _c) in functions.items():
            if key not in logs and calls & names:
                logs.add(key)
                names.add(key.split(":")[1])
                grown = True
    return logs


def test_every_service_write_logs_or_says_why_not():
    functions = service_functions()
    logs = logging_functions(functions)
    silent = sorted(key for key, (writes, _c, _a) in functions.items()
                    if writes and not key.split(":")[1].startswith("_") and key not in logs and key not in EXEMPT)
    assert not silent, f"these service writes log nothing (log the change, or add them to EXEMPT with the reason): {silent}"
    stale = sorted(key for key in EXEMPT if key not in functions or key in logs)
    assert not stale, f"EXEMPT names functions that are gone or now log: {stale}"


def logged_codes() -> set[str]:
    return {code for (_w, _c, codes) in service_functions().values() for code in codes if re.fullmatch(r"[a-z]+\.[a-z_0-9]+", code)}


def test_every_logged_action_is_registered_with_a_chinese_label():
    registry.scan_for_actions()
    unknown = sorted(code for code in logged_codes() if not registry.action_exists(code))
    assert not unknown, f"register these in a register_log_actions hook: {unknown}"
    from django.utils import translation

    with translation.override("zh-hans"):
        english = sorted(code for code in logged_codes() if not re.search(r"[\u4e00-\u9fff]", str(registry.get_action_label(code))))
    assert not english, f"these actions have no Chinese label in the catalogue: {english}"


def test_every_logged_action_is_asserted_by_a_test():
    """An action code that no test names is an entry nobody checks."""
    this = pathlib.Path(__file__).resolve()
    text = "".join(p.read_text() for p in (ROOT / "tests").rglob("*.py") if p.resolve() != this)
    text += RUNTIME_ASSERTED
    missing = sorted(code for code in logged_codes() if not code.startswith("wagtail.") and f'"{code}"' not in text)
    assert not missing, f"no test asserts the entry of: {missing}"


# The codes the runtime tests below assert (kept in one string so the check above can read them).
RUNTIME_ASSERTED = """
"assessment.draw" "assessment.session_create" "assessment.tickets_issue" "assessment.extend_time"
"assessment.ticket_reissue" "assessment.attempt_start_onsite" "assessment.grant_resit" "assessment.plan_close"
"assessment.results_publish" "assessment.resit_session_create" "supervision.person_assessment"
"assessment.question_status" "supervision.notice_statement" "supervision.notice_hearing"
"supervision.penalty_status" "supervision.order_art16"
"""


def entry(action, **data):
    """The newest entry of `action`; each `data` key must hold the given value."""
    found = ModelLogEntry.objects.filter(action=action).order_by("-pk").first()
    assert found is not None, f"no {action} entry"
    for key, value in data.items():
        assert found.data.get(key) == value, (action, key, found.data)
    return found


@pytest.mark.django_db
def test_a_round_logs_every_step_with_its_actor(staff, tree):
    from assessment.models import Attempt, Ticket
    from assessment import selectors
    from assessment.services import attempts, resits, sampling, sessions
    from cms.services import results_publish
    from tests.factories import open_session_with_tickets

    session, issued = open_session_with_tickets(county=tree.county_a, operator=staff.operator_a, approver=staff.approver_a, units=4)
    assert entry("assessment.draw").user == staff.operator_a
    assert entry("assessment.session_create").user == staff.operator_a
    assert entry("assessment.tickets_issue").user == staff.operator_a
    first, second, third = (item.ticket for item in issued[:3])

    attempts.ticket_extend_time(actor=staff.operator_a, ticket=first, minutes=15, reason="视力障碍，申请延时")
    assert entry("assessment.extend_time", ticket=first.number, minutes=15, reason="视力障碍，申请延时").user == staff.operator_a
    reissued = sessions.ticket_reissue(actor=staff.operator_a, ticket=second)
    assert entry("assessment.ticket_reissue", ticket=second.number).user == staff.operator_a and reissued.access_code
    attempt = attempts.attempt_start(ticket=third, examiner=staff.operator_a)
    assert entry("assessment.attempt_start_onsite", ticket=third.number).user == staff.operator_a
    attempts.attempt_submit(attempt=attempt)
    attempts.ticket_grant_resit(actor=staff.operator_a, ticket=Ticket.objects.get(pk=third.pk), reason="考试中设备故障")
    assert entry("assessment.grant_resit").user == staff.operator_a
    for ticket in Ticket.objects.filter(session=session).exclude(pk=third.pk):
        if not Attempt.objects.filter(ticket=ticket).exists():
            attempts.attempt_submit(attempt=attempts.attempt_start(ticket=ticket))

    import time_machine

    with time_machine.travel(session.ends_at + timedelta(minutes=1), tick=False):
        plan = sampling.plan_close(actor=staff.operator_a, plan=session.plan)
        assert entry("assessment.plan_close").user == staff.operator_a
        assert ModelLogEntry.objects.filter(action="supervision.person_assessment").exists()
        results_publish(actor=staff.operator_a, plan=plan)
        assert entry("assessment.results_publish").user == staff.operator_a
        if selectors.resit_candidates(plan=plan):
            now = timezone.now()
            resits.resit_session_create(actor=staff.operator_a, plan=plan, name="补考", mode="online", venue="",
                                        starts_at=now, ends_at=now + timedelta(hours=2))
            assert entry("assessment.resit_session_create", name="补考").user == staff.operator_a


@pytest.mark.django_db
def test_a_questions_status_change_is_logged_old_and_new(staff):
    from django.core.management import call_command

    from assessment.models import Question
    from assessment.services.bank import question_set_status
    from tests.factories import STARTER_BANK

    call_command("import_questions", STARTER_BANK, verbosity=0)
    question = Question.objects.first()
    old = question.status
    question_set_status(actor=staff.approver_a, question=question, status="retired")
    assert entry("assessment.question_status", **{"from": old, "to": "retired"}).user == staff.approver_a


@pytest.mark.django_db
def test_the_penalty_procedure_logs_each_step(staff, tree):
    from supervision.fake_register import unit_rows
    from supervision.models import OrderSource, ProductionUnit
    from supervision.services import enforcement, penalties
    from tests.factories import import_units, make_legal_settings

    assert import_units(unit_rows(2, ["330110"], seed=16), tree.county_a).ok
    make_legal_settings(tree.county_a)
    unit = ProductionUnit.objects.filter(county=tree.county_a).first()
    order = enforcement.order_issue(actor=staff.operator_a, unit=unit, reason="未配备质量安全员", legal_basis=enforcement.ART_5_17, source_kind=OrderSource.REGISTER)
    person = unit.people.first()
    enforcement.order_record_rejected_advice(actor=staff.operator_a, order=order, note="总监建议停产整改被负责人拒绝", people=[person] if person else [])
    assert entry("supervision.order_art16").user == staff.operator_a
    enforcement.orders_mark_overdue(today=order.deadline + timedelta(days=1))
    order.refresh_from_db()
    notice = penalties.notice_issue(actor=staff.approver_a, order=order, fine_yuan=20_000, facts="逾期未改正")
    penalties.statement_record(actor=staff.operator_a, notice=notice, text="要求听证", received_on=notice.notified_on, hearing_requested=True)
    assert entry("supervision.notice_statement", notice=notice.number, hearing_requested=True).user == staff.operator_a
    penalties.hearing_record(actor=staff.approver_a, notice=notice, held_on=notice.notified_on, note="听证笔录")
    assert entry("supervision.notice_hearing", notice=notice.number).user == staff.approver_a
    fine = penalties.fine_decide(actor=staff.approver_a, order=order, fine_yuan=20_000, today=notice.statement_deadline + timedelta(days=1))
    penalties.decision_set_status(actor=staff.operator_a, decision=fine, status="served")
    assert entry("supervision.penalty_status", decision=fine.number, **{"from": "decided", "to": "served"}).user == staff.operator_a
