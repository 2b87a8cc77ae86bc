"""Changes to single units and people made in the console. Derived fields follow the rules."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from ..models import Person, ProductionUnit
from ..personal_data import id_number_decrypt, id_number_encrypt, id_number_hash, id_number_mask
from ..rules import director_required_for, size_class_for
from ..authorization import authorize, may


def unit_derive(*, unit: ProductionUnit) -> None:
    """Set `size_class` (Art. 18) and `director_required` (Art. 5) from the unit's figures."""
    unit.size_class = size_class_for(employee_count=unit.employee_count, revenue_wan=unit.revenue_wan)
    has_qualification = unit.pk is not None and unit.qualifications.exists()
    unit.director_required = director_required_for(
        has_licence_or_ccc=has_qualification, size_class=unit.size_class, mandatory_standard=unit.mandatory_standard,
    )


def _auditable(instance) -> dict:
    return {k: str(v) for k, v in model_to_dict(instance).items() if k not in ("id_number_encrypted", "id_number_hash")}


@transaction.atomic
def unit_save(*, actor, unit: ProductionUnit, before: dict | None = None) -> ProductionUnit:
    """Save a unit edited in the console (its form already applied), deriving its classes."""
    authorize(actor, "register.change", unit if unit.pk else None)
    created = unit.pk is None
    unit_derive(unit=unit)
    unit.save()
    log(instance=unit, action="wagtail.create" if created else "wagtail.edit", user=actor,
        data={"before": before or {}, "after": _auditable(unit)})
    return unit


@transaction.atomic
def person_save(*, actor, person: Person, before: dict | None = None) -> Person:
    authorize(actor, "register.change", person if person.pk else None)
    person.save()
    log(instance=person, action="wagtail.edit", user=actor, data={"before": before or {}, "after": _auditable(person)})
    return person


@transaction.atomic
def person_create(*, actor, person: Person, id_number: str) -> Person:
    """A post added in the console (Order 75 Art. 13), its form already applied: the ID number is
    stored encrypted, found by its keyed hash and shown masked, as the import stores it. The unit
    must lie in the actor's jurisdiction; the database keeps one open post per person and unit."""
    authorize(actor, "register.change", person.unit)
    person.id_number_encrypted = id_number_encrypt(id_number)
    person.id_number_hash = id_number_hash(id_number)
    person.id_number_masked = id_number_mask(id_number)
    person.save()
    log(instance=person, action="wagtail.create", user=actor, data={"before": {}, "after": _auditable(person)})
    return person


def person_may_reveal(*, actor, person: Person) -> bool:
    """Only staff of the unit's own county see a whole ID number (PIPL Art. 28: minimum necessary)."""
    return may(actor, "person.reveal_id", person)


@transaction.atomic
def person_reveal_id(*, actor, person: Person) -> str:
    if not person_may_reveal(actor=actor, person=person):
        raise PermissionDenied(_("Only staff of the unit's own county can see a whole ID number."))
    log(instance=person, action="supervision.reveal_id", user=actor, data={"masked": person.id_number_masked})
    return id_number_decrypt(person.id_number_encrypted)
