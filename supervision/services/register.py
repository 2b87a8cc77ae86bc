"""Register services: file imports run through here, for the console and the commands alike."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from ..imports.personnel import personnel_import
from ..imports.result import ImportResult
from ..imports.table import read_table
from ..imports.result import Progress
from ..imports.units import units_import
from ..models import Jurisdiction, Person
from .system import system_actor

IMPORTERS = {"units": units_import, "personnel": personnel_import}


def register_import_file(
    *, kind: str, data: bytes, filename: str, jurisdiction: Jurisdiction, actor, dry_run: bool,
    progress: Progress | None = None, job_id: int | None = None, complete_staff: bool = False,
) -> ImportResult:
    """Read a spreadsheet and import it (`kind` is "units" or "personnel"). Raises
    `ImportFileError` for a file that cannot be read at all; row errors come back in the result,
    and then nothing has been written. `complete_staff` (personnel only): the file lists every
    person in post of the units it names, so the others leave (see `personnel_import`)."""
    table = read_table(data=data, filename=filename)
    label = f"{filename} (sha256 {hashlib.sha256(data).hexdigest()[:16]})"
    options = {"complete_staff": complete_staff} if kind == "personnel" else {}
    return IMPORTERS[kind](
        table=table, jurisdiction=jurisdiction, actor=actor, dry_run=dry_run, filename=label, progress=progress,
        job_id=job_id, **options,
    )


def person_assessment_record(*, outcomes: dict[int, bool], label: str, on=None) -> int:
    """Art. 15 ¶1 (未通过考核的人员不得担任相应岗位): the assessment side reports, for persons of a
    round, whether they have passed (True) or failed or missed it (False). Not passed marks the
    person (finding 考核不合格仍在岗 while they stay in post), keeping the earliest date; passed
    clears the mark. Logged on the person by the system actor. Returns how many changed."""
    on = on or timezone.localdate()
    changed = 0
    actor = None
    with transaction.atomic():
        for person in Person.objects.select_for_update().filter(pk__in=list(outcomes)):
            passed = outcomes[person.pk]
            if passed and person.assessment_unpassed_since is not None:
                person.assessment_unpassed_since, person.assessment_unpassed_label = None, ""
            elif not passed and person.assessment_unpassed_since is None:
                person.assessment_unpassed_since, person.assessment_unpassed_label = on, label[:200]
            else:
                continue
            person.save(update_fields=["assessment_unpassed_since", "assessment_unpassed_label"])
            actor = actor or system_actor()
            log(instance=person, action="supervision.person_assessment", user=actor, data={"passed": passed, "assessment": label})
            changed += 1
    return changed
