from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from supervision.authorization import requires
from supervision.imports.table import ImportFileError
from supervision.views.register import file_response

from ..models import Question, QuestionStatus, QuestionType
from ..services.papers import blueprint_check
from ..questions_io import questions_export, questions_import_file
from ..services.bank import question_set_status


# The checked file waits in the session for the confirmation, so keep it small.
MAX_BANK_FILE_BYTES = 2 * 1024 * 1024


@requires("bank.change", hidden=True)
def question_status_view(request, pk: int, status: str):
    question = get_object_or_404(Question, pk=pk)
    if status not in QuestionStatus.values:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        question_set_status(actor=request.user, question=question, status=status)
    except PermissionDenied:
        raise Http404
    except ValidationError as error:
        if status == QuestionStatus.ACTIVE:
            messages.error(request, _("This question cannot be activated: %(errors)s") % {"errors": "；".join(error.messages)})
        else:
            messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, _("Status changed to %(status)s.") % {"status": QuestionStatus(status).label})
    return redirect("questions:inspect", question.pk)


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
    """Upload → preview (every row's error, or what will change) → confirm; all or nothing."""
    context = {}
    if request.method == "POST":
        upload: UploadedFile | None = request.FILES.get("file")
        confirm = request.POST.get("confirm") == "1"
        if confirm:
            data, name = request.session.pop("question_import", (None, None)) or (None, None)
            if data is None:
                messages.error(request, _("The checked file has expired; upload it again."))
                return redirect("questions:import")
            data = bytes.fromhex(data)
        elif upload is None:
            context["error"] = _("Choose a file to upload.")
            return render(request, "assessment/questions_import.html", context, status=400)
        elif upload.size > MAX_BANK_FILE_BYTES:
            context["error"] = _("A question bank file is at most 2 MB; split it into smaller files.")
            return render(request, "assessment/questions_import.html", context, status=400)
        else:
            data, name = upload.read(), upload.name
        try:
            result = questions_import_file(data=data, filename=name, actor=request.user, dry_run=not confirm)
        except ImportFileError as error:
            context["error"] = str(error)
            return render(request, "assessment/questions_import.html", context, status=400)
        if confirm and result.written:
            messages.success(request, _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % {
                "created": result.created, "updated": result.updated, "unchanged": result.unchanged})
            return redirect("questions:index")
        if result.ok and not confirm:
            request.session["question_import"] = (data.hex(), name)
        context.update({"result": result, "filename": name})
    return render(request, "assessment/questions_import.html", context)


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
