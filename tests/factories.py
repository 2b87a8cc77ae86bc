"""Test data built through the real services, as users would build it (STYLE.md)."""

from __future__ import annotations

from dataclasses import dataclass

from assessment.models import QuestionVersion, Ticket
from assessment.services import attempts as attempt_service
from supervision.models import Jurisdiction, JurisdictionLevel, StaffProfile, StaffRole
from supervision.services.staff import staff_create

PASSWORD = "test-Passw0rd-zl"


@dataclass
class Tree:
    province: Jurisdiction
    city: Jurisdiction
    county_a: Jurisdiction
    county_b: Jurisdiction
    other_city: Jurisdiction
    county_c: Jurisdiction


def make_tree() -> Tree:
    province = Jurisdiction.add_root(code="330000", name="浙江省", level=JurisdictionLevel.PROVINCE)
    city = province.add_child(code="330100", name="杭州市", level=JurisdictionLevel.CITY)
    county_a = city.add_child(code="330110", name="余杭区", level=JurisdictionLevel.COUNTY)
    county_b = Jurisdiction.objects.get(pk=city.pk).add_child(code="330113", name="临平区", level=JurisdictionLevel.COUNTY)
    other_city = Jurisdiction.objects.get(pk=province.pk).add_child(code="330200", name="宁波市", level=JurisdictionLevel.CITY)
    county_c = other_city.add_child(code="330203", name="海曙区", level=JurisdictionLevel.COUNTY)
    return Tree(*(Jurisdiction.objects.get(pk=j.pk) for j in (province, city, county_a, county_b, other_city, county_c)))


def make_staff(username: str, role: str, jurisdiction: Jurisdiction, **extra) -> StaffProfile:
    return staff_create(
        actor=None, username=username, password=PASSWORD, full_name=extra.pop("full_name", "测试人员"),
        jurisdiction=jurisdiction, role=role, **extra,
    )


ROLES = StaffRole


def unit_file(rows, *, fmt="csv", encoding="utf-8-sig") -> bytes:
    from supervision.fake_register import rows_to_csv, rows_to_xlsx
    from supervision.imports.units import UNIT_COLUMNS

    headers = [c.header for c in UNIT_COLUMNS]
    return rows_to_xlsx(rows, headers) if fmt == "xlsx" else rows_to_csv(rows, headers, encoding)


def person_file(rows, *, fmt="csv", encoding="utf-8-sig") -> bytes:
    from supervision.fake_register import rows_to_csv, rows_to_xlsx
    from supervision.imports.personnel import PERSON_COLUMNS

    headers = [c.header for c in PERSON_COLUMNS]
    return rows_to_xlsx(rows, headers) if fmt == "xlsx" else rows_to_csv(rows, headers, encoding)


def import_units(rows, jurisdiction, *, dry_run=False, actor=None, fmt="csv", encoding="utf-8-sig"):
    from supervision.services.register import register_import_file

    return register_import_file(kind="units", data=unit_file(rows, fmt=fmt, encoding=encoding),
                                filename=f"units.{fmt}", jurisdiction=jurisdiction, actor=actor, dry_run=dry_run)


def unit_of(county: Jurisdiction, *, seed: int, count: int = 2):
    """The first of `count` generated units imported into `county` through the real import."""
    from supervision.fake_register import unit_rows
    from supervision.models import ProductionUnit

    assert import_units(unit_rows(count, [county.code], seed=seed), county).ok
    return ProductionUnit.objects.filter(county=county).first()


def register_order(*, actor, unit, reason: str):
    """An order to correct a finding of the register (Order 75 Art. 5, 17), issued through the service."""
    from supervision.models import OrderSource
    from supervision.services.enforcement import ART_5_17, order_issue

    return order_issue(actor=actor, unit=unit, reason=reason, legal_basis=ART_5_17, source_kind=OrderSource.REGISTER)


def evidence_submit_pdf(*, actor, order):
    """The unit's evidence of rectification, a training record, submitted through the service."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from supervision.services.enforcement import evidence_submit

    return evidence_submit(actor=actor, order=order, file=SimpleUploadedFile("培训记录.pdf", b"%PDF-1.4"), description="培训记录")


def import_people(rows, jurisdiction, *, dry_run=False, actor=None, fmt="csv", complete_staff=False):
    from supervision.services.register import register_import_file

    return register_import_file(kind="personnel", data=person_file(rows, fmt=fmt), filename=f"people.{fmt}",
                                jurisdiction=jurisdiction, actor=actor, dry_run=dry_run, complete_staff=complete_staff)


STARTER_BANK = "assessment/data/starter_questions.csv"


def open_session_with_tickets(*, county, operator, approver, units=8, seed="98765432109876543210123", start=None, end=None,
                              latest_start=None, plan_options=None, sample=None):
    """A drawn plan of `county` with one session open now and its tickets issued, all through
    the real services. Returns (session, [IssuedTicket, ...])."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from assessment.models import Question, SamplingPlan
    from assessment.services import sampling
    from assessment.services.sessions import session_create, tickets_issue
    from supervision.fake_register import person_rows, unit_rows

    if not Question.objects.exists():
        call_command("import_questions", STARTER_BANK, verbosity=0)
    # Seeded by the county's code, not its pk: PostgreSQL's sequences do not roll back between tests,
    # so a pk-based seed gave each database (and each test order) a different register.
    stable = int(county.code) % 1000
    rows = unit_rows(units, [county.code], seed=stable + 100)
    for i, row in enumerate(rows):
        row["强制性产品认证证书编号"] = row["强制性产品认证证书编号"] or f"2023{county.pk:04d}{i:08d}"
    assert import_units(rows, county).ok
    assert import_people(person_rows(rows, seed=stable + 200), county).ok
    # plan_options: what the plan form sets while the plan is a draft (e.g. absent_counts_as_failed).
    plan = SamplingPlan.objects.create(jurisdiction=county, year=2026, title="考核计划", roles=["director", "officer"],
                                       created_by=operator, sample_size=sample or min(3, units), **(plan_options or {}))
    sampling.plan_submit(actor=operator, plan=plan)
    sampling.plan_approve(actor=approver, plan=plan)
    sampling.frame_freeze(actor=operator, plan=plan)
    draw = sampling.draw_perform(actor=operator, plan=plan, seed=seed)
    now = timezone.now()
    session = session_create(actor=operator, plan=plan, name="第一场", mode="online", venue="",
                             starts_at=start or now - timedelta(minutes=5), ends_at=end or now + timedelta(hours=3),
                             latest_start_at=latest_start)
    issued = tickets_issue(actor=operator, session=session, selections=list(draw.selections.all()))
    return session, issued


def sit(ticket: Ticket, *, right: bool) -> None:
    """The candidate sits and submits: every answer right, or nothing answered."""
    attempt = attempt_service.attempt_start(ticket=Ticket.objects.get(pk=ticket.pk))
    if right:
        answers = {p: attempt_service.to_shown_letters(i, QuestionVersion.objects.get(pk=i["v"]).answer) for p, i in enumerate(attempt.paper)}
        attempt_service.attempt_save_answers(attempt=attempt, answers=answers)
    attempt_service.attempt_submit(attempt=attempt)


def make_legal_settings(county: Jurisdiction):
    """The bureau's particulars its documents print: where to pay, where to appeal."""
    from supervision.services.penalties import legal_settings_set

    return legal_settings_set(
        actor=None, jurisdiction=county, bureau_name=f"杭州市{county.name}市场监督管理局", address=f"{county.name}行政服务中心3楼",
        phone="0571-86000000", payment_place="中国工商银行杭州分行各营业网点", payment_method="凭决定书所附非税收入缴款码缴纳，或通过浙江政务服务网在线缴纳",
        review_authority=f"杭州市{county.name}人民政府", court="杭州铁路运输法院",
    )


def fine_through_procedure(*, order, approver, fine_yuan: int = 20_000, facts: str = "逾期拒不改正"):
    """行政处罚法 Art. 44, 45: prior notice, the unit's written waiver, then the one fine."""
    from supervision.models import BureauLegalSettings
    from supervision.services import penalties

    if not BureauLegalSettings.objects.filter(jurisdiction_id=order.unit.county_id).exists():
        make_legal_settings(order.unit.county)
    notice = penalties.notice_issue(actor=approver, order=order, fine_yuan=fine_yuan, facts=facts)
    penalties.waiver_record(actor=approver, notice=notice, note="单位法定代表人签署放弃陈述申辩、听证权利声明", received_on=notice.notified_on)
    return penalties.fine_decide(actor=approver, order=order, fine_yuan=fine_yuan, facts=facts)


def drawn_inspection_plan(*, county, operator, approver, units=5, sample=3, seed="31415926535897932384626", year=2026, batch=1):
    """An on-site inspection plan of `county` (Order 75 Art. 14) approved, frozen and drawn through
    the real services, with the starter inspection items loaded. Returns the plan."""
    from django.core.management import call_command

    from assessment.models import PlanPurpose, SamplingPlan
    from assessment.services import sampling
    from inspection.models import InspectionItem
    from supervision.fake_register import unit_rows
    from supervision.models import ProductionUnit

    if not InspectionItem.objects.exists():
        call_command("load_inspection_items", verbosity=0)
    if not ProductionUnit.objects.filter(county=county).exists():
        rows = unit_rows(units, [county.code], seed=int(county.code) % 1000 + 300)
        for i, row in enumerate(rows):
            row["强制性产品认证证书编号"] = row["强制性产品认证证书编号"] or f"2024{county.pk:04d}{i:08d}"
        assert import_units(rows, county).ok
    plan = SamplingPlan.objects.create(jurisdiction=county, year=year, batch=batch, title="现场检查计划", purpose=PlanPurpose.INSPECTION,
                                       roles=[], created_by=operator, sample_size=sample)
    sampling.plan_submit(actor=operator, plan=plan)
    sampling.plan_approve(actor=approver, plan=plan)
    sampling.frame_freeze(actor=operator, plan=plan)
    sampling.draw_perform(actor=operator, plan=plan, seed=seed)
    return SamplingPlan.objects.get(pk=plan.pk)


def inspection_complete(inspection, *, nonconforming: int = 0, uncorrected: int = 0, representative: str = "赵经理"):
    """One drawn inspection recorded through the inspection services by its own drawn inspectors,
    as on their phones: the first `nonconforming` items 不符合 (the rest 符合), the unit's daily,
    weekly and monthly records seen for the last month (Art. 10–12), `uncorrected` hazards from a
    weekly review not corrected, both signatures and the unit representative's confirmation.
    Returns the completed inspection."""
    import uuid
    from datetime import timedelta

    from django.utils import timezone

    from inspection.models import CheckResult, RecordKind
    from inspection.services import records

    assignments = list(inspection.assignments.select_related("staff__user").order_by("position"))
    first = assignments[0].staff.user
    today = timezone.localdate()
    for check in inspection.checks.order_by("position"):
        finding = check.position <= nonconforming
        records.check_record(actor=first, check=check, result=CheckResult.NONCONFORM if finding else CheckResult.CONFORM,
                             note="现场未见相应记录" if finding else "")
    for kind in RecordKind.values:
        records.sighting_record(actor=first, inspection=inspection, kind=kind, seen=True, period_start=today - timedelta(days=30), period_end=today)
    for n in range(uncorrected):
        records.hazard_record(actor=first, inspection=inspection, client_id=uuid.uuid5(uuid.NAMESPACE_URL, f"hazard:{inspection.pk}:{n}"),
                              description="周排查发现消防通道堵塞", record_kind=RecordKind.WEEKLY, corrected=False)
    for assignment in assignments:
        records.inspector_sign(actor=assignment.staff.user, inspection=inspection)
    return records.representative_confirm(actor=first, inspection=inspection, name=representative, post="质量安全总监")
