from datetime import date
from functools import partial

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from supervision.authorization import requires
from supervision.imports.table import ImportFileError
from supervision.models import ImportKind, ImportStatus
from supervision.services.import_jobs import import_job_create
from supervision.versioned import versioned_status_change
from supervision.views.register import file_response

from ..models import Question, QuestionStatus, QuestionType
from ..services.papers import blueprint_check
from ..questions_io import questions_export
from ..services.bank import question_set_status


@requires("bank.change", hidden=True)
def question_status_view(request, pk: int, status: str):
    question = get_object_or_404(Question, pk=pk)
    return versioned_status_change(
        request, record=question, status=status, statuses=QuestionStatus,
        set_status=partial(question_set_status, question=question),
        activation_refusal=_("This question cannot be activated: %(errors)s"),
    )


@requires("assessment.read")
def questions_export_view(request, file_format: str):
    if file_format not in ("xlsx", "csv"):
        raise Http404
    queryset = Question.objects.order_by("pk")
    if status := request.GET.get("status"):
        queryset = queryset.filter(status=status)
    return file_response(questions_export(queryset=queryset, file_format=file_format), f"题库_{date.today():%Y%m%d}.{file_format}", file_format)


@requires("bank.change")
def questions_import_view(request):
    """Upload a bank file as an import job (supervision.services.import_jobs, kind "questions"): the
    job's page previews every row's error or what will change, and its confirm step writes, all or
    nothing, exactly as for the register."""
    if request.method != "POST":
        return render(request, "assessment/questions_import.html", {})
    upload = request.FILES.get("file")
    if upload is None:
        error = _("Choose a file to upload.")
    else:
        try:
            job = import_job_create(actor=request.user, kind=ImportKind.QUESTIONS, filename=upload.name, data=upload.read())
        except (PermissionDenied, ImportFileError) as failure:
            error = str(failure)
        else:
            if job.status != ImportStatus.FAILED:
                return redirect("imports:inspect", job.pk)
            error = job.message  # not readable at all (checked within the request): say so on the form

    return render(request, "assessment/questions_import.html", {"error": error}, status=400)


def blueprint_check_context(*, role: str, cells: list[tuple[int, str, int]], points: dict[str, int]) -> dict:
    checks = blueprint_check(role=role, cells=cells)
    return {
        "checks": checks,
        "shortfalls": [c for c in checks if c.short],
        "total_questions": sum(c.count for c in checks),
        "total_points": sum(c.count * points.get(c.type, 0) for c in checks),
    }


def _int(value, default=0) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return default


@requires("assessment.read")
def blueprint_check_view(request):
    """The feasibility block for the blueprint form as it stands (not yet saved)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    data = request.POST
    role = data.get("role") if data.get("role") in ("director", "officer") else "director"
    cells = []
    for index in range(min(_int(data.get("cells-TOTAL_FORMS")), 200)):
        prefix = f"cells-{index}-"
        if data.get(prefix + "DELETE") or data.get(prefix + "type") not in QuestionType.values:
            continue
        area_id = _int(data.get(prefix + "area"), default=-1)
        if area_id >= 0:
            cells.append((area_id, data[prefix + "type"], _int(data.get(prefix + "count"))))
    points = {t: _int(data.get(f"points_{t}")) for t in QuestionType.values}
    return render(request, "assessment/includes/blueprint_check.html", blueprint_check_context(role=role, cells=cells, points=points))
