import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from .. import console
from ..authorization import may, requires
from ..exports import register_template
from ..files import checked_file_response
from ..imports.result import ImportResult
from ..imports.table import ImportFileError
from ..models import ImportJob, ImportKind, ImportStatus
from ..scoping import get_in_scope_or_404
from ..services.import_jobs import import_job_confirm, import_job_create, import_kind_spec
from .register import file_response

ERRORS_PER_PAGE = 100


class ImportUploadForm(WagtailAdminModelForm):
    file = forms.FileField(
        label=gettext_lazy("file"),
        help_text=gettext_lazy("An .xlsx or .csv file (UTF-8 or GBK) with the template's header row, at most 20 MB."),
    )
    complete_staff = forms.BooleanField(
        label=gettext_lazy("This file is the complete staff in post of its units"), required=False,
        help_text=gettext_lazy(
            "Quality staff only. For every unit in the file, the people in post whom the file does not list leave "
            "their post on the import date; the preview lists them first. Units not in the file are untouched."
        ),
    )

    class Meta:
        model = ImportJob
        fields = ["kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The register's kinds only: questions are uploaded from the question bank (bank.change).
        self.fields["kind"].choices = [(k.value, k.label) for k in (ImportKind.UNITS, ImportKind.PERSONNEL)]


class ImportUploadView(console.ScopedCreateView):
    template_name = "supervision/import_upload.html"
    page_title = gettext_lazy("Import the register")
    submit_button_label = gettext_lazy("Upload and check")

    def get_initial(self):
        return {"kind": ImportKind.UNITS}

    def get_form_class(self):
        return ImportUploadForm

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            self.object = import_job_create(
                actor=self.request.user, kind=form.cleaned_data["kind"], filename=upload.name, data=upload.read(),
                complete_staff=form.cleaned_data["complete_staff"],
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        return redirect("imports:inspect", self.object.pk)


class ImportJobView(console.ScopedInspectView):
    template_name = "supervision/import_job.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.object
        result = ImportResult.from_json(job.result) if job.result else None
        spec = import_kind_spec(job.kind)
        context.update({
            "job": job, "result": result, "statuses": ImportStatus,
            "upload_url": reverse(spec.upload_url), "done_url": reverse(spec.done_url),
        })
        if result is not None:
            context["error_page"] = Paginator(result.errors, ERRORS_PER_PAGE).get_page(self.request.GET.get("page"))
        context["can_confirm"] = (
            job.status == ImportStatus.READY and may(self.request.user, spec.action)
        )
        return context


@requires("console.read")
def import_confirm_view(request, pk: int):
    """Confirm a checked job; the service decides who may, by the job's kind (the register's
    importers, or the bank's approvers and administrators for questions)."""
    # Scope first: another county's job is a 404 whatever the method.
    job = get_in_scope_or_404(ImportJob.objects.all(), user=request.user, pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        job = import_job_confirm(actor=request.user, job=job)
    except PermissionDenied:
        raise Http404
    if job.status == ImportStatus.DONE and job.kind == ImportKind.QUESTIONS:
        result = ImportResult.from_json(job.result)
        messages.success(request, _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % {
            "created": result.created, "updated": result.updated, "unchanged": result.unchanged})
    elif job.status == ImportStatus.DONE:
        result = ImportResult.from_json(job.result)
        messages.success(request, _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, %(left)s left their post.") % {
            "created": result.created, "updated": result.updated, "unchanged": result.unchanged, "left": result.left})
    elif job.status == ImportStatus.INVALID and job.kind == ImportKind.QUESTIONS:
        messages.error(request, _("The question bank changed since the check and some rows now have errors; nothing was written."))
    elif job.status == ImportStatus.INVALID:
        messages.error(request, _("The register changed since the check and some rows now have errors; nothing was written."))
    return redirect(reverse("imports:inspect", args=[job.pk]))


@requires("console.read")
def import_file_view(request, pk: int):
    """The uploaded file of an import, while it is kept (until the job is done or failed), only to
    staff whose jurisdiction holds the job (404 otherwise). It lives in the database, not under
    MEDIA_ROOT, so no /media/ URL reaches it; it always downloads, typed by its content."""
    job = get_in_scope_or_404(ImportJob.objects.all(), user=request.user, pk=pk)
    data = bytes(job.data or b"")
    if not data:
        raise Http404
    return checked_file_response(io.BytesIO(data), filename_stem=f"import-{job.kind}-{job.pk}", inline_allowed=False)


@requires("console.read")
def import_template_view(request, kind: str, file_format: str):
    if kind not in ("units", "personnel") or file_format not in ("xlsx", "csv"):
        raise Http404
    name = {"units": "生产单位导入模板", "personnel": "质量安全管理人员导入模板"}[kind]
    return file_response(register_template(kind=kind, file_format=file_format), f"{name}.{file_format}", file_format)
