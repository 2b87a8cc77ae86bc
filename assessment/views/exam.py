"""The candidates' face (/exam/): ticket login, the rules, the timed attempt, the result.

Plain Django views and templates, mobile first, no framework. Every request finds the attempt
through the ticket in the session, so a ticket can never read or write another's attempt."""

from __future__ import annotations

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from supervision.personal_data import name_mask

from ..models import AttemptStatus, QuestionVersion, Ticket
from ..services import attempts as service
from ..services.sessions import ticket_check

SESSION_KEY = "exam_ticket_id"
# Access-code guessing: after this many failures for a ticket number (or from one address) the
# login is locked for LOCK_SECONDS.
MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60


class TicketLoginForm(forms.Form):
    ticket_number = forms.CharField(
        label=gettext_lazy("Ticket number"), max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "autocapitalize": "off"}),
    )
    access_code = forms.CharField(
        label=gettext_lazy("Access code"), max_length=32,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _failure_keys(request, number: str) -> list[str]:
    return [f"exam-login-fail:ticket:{number}", f"exam-login-fail:ip:{_client_ip(request)}"]


def _locked(request, number: str) -> bool:
    return any((cache.get(key) or 0) >= MAX_FAILURES for key in _failure_keys(request, number))


def _record_failure(request, number: str) -> None:
    for key in _failure_keys(request, number):
        if cache.add(key, 1, LOCK_SECONDS) is False:
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, LOCK_SECONDS)


def _ticket(request) -> Ticket | None:
    ticket_id = request.session.get(SESSION_KEY)
    if ticket_id is None:
        return None
    return Ticket.objects.select_related("session__plan", "person__unit").filter(pk=ticket_id).first()


@never_cache
@require_http_methods(["GET", "POST"])
def entry(request):
    """The exam entry page: what the assessment is, the rules, and the ticket login."""
    if request.method == "GET" and _ticket(request) is not None:
        return redirect("exam:overview")
    form = TicketLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["ticket_number"].strip()
        if _locked(request, number):
            form.add_error(None, _("Too many wrong attempts. Try again in 15 minutes, or ask the examiners."))
        else:
            ticket = ticket_check(number=number, code=form.cleaned_data["access_code"])
            if ticket is None:
                _record_failure(request, number)
                form.add_error(None, _("The ticket number or access code is wrong. Please check your assessment notice."))
            else:
                request.session.cycle_key()
                request.session[SESSION_KEY] = ticket.pk
                return redirect("exam:overview")
    return render(request, "assessment/exam/entry.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
def logout(request):
    request.session.pop(SESSION_KEY, None)
    return redirect("exam:entry")


@never_cache
def overview(request):
    """Before starting: who, which unit and role, the session, questions and time, the rules."""
    ticket = _ticket(request)
    if ticket is None:
        return redirect("exam:entry")
    now = timezone.now()
    attempt = service.current_attempt(ticket)
    if attempt is not None:
        attempt = service.attempt_finalize_if_expired(attempt=attempt, now=now)
        if attempt.status == AttemptStatus.IN_PROGRESS:
            return redirect("exam:attempt")
    blueprint = service.blueprint_for(ticket.session.plan, ticket.person.role)
    can_start = (attempt is None or attempt.sequence < ticket.sittings_allowed) and not ticket.absent_marked_at
    return render(request, "assessment/exam/overview.html", {
        "ticket": ticket, "masked_name": name_mask(ticket.person.name), "blueprint": blueprint,
        "question_count": len(ticket.paper or []) or sum(c.count for c in blueprint.cells.all()),
        "window_open": service.attempt_window_open(ticket, now), "not_yet": now < ticket.session.starts_at,
        "attempt": attempt, "can_start": can_start, "time_limit": blueprint.time_limit_minutes + ticket.extra_minutes,
    })


@require_POST
def start(request):
    ticket = _ticket(request)
    if ticket is None:
        return redirect("exam:entry")
    try:
        service.attempt_start(ticket=ticket)
    except ValidationError:
        return redirect("exam:overview")
    return redirect("exam:attempt")


def _questions(attempt, answers):
    versions = QuestionVersion.objects.in_bulk([item["v"] for item in attempt.paper])
    questions = []
    for position, item in enumerate(attempt.paper):
        version = versions[item["v"]]
        # Only what the candidate must see: stem and options in the paper's order. Never the
        # answer or the explanation.
        options = [(service.LETTERS[i], version.options[original]) for i, original in enumerate(item["o"])]
        questions.append({
            "position": position, "number": position + 1, "type": version.type,
            "type_label": version.get_type_display(), "stem": version.stem, "options": options,
            "chosen": answers.get(position, ""),
        })
    return questions


@never_cache
@require_http_methods(["GET", "POST"])
def attempt_page(request):
    """All questions on one page. Works without JavaScript: the form posts every answer; with
    JavaScript each answer is saved as it is given (see static/js/exam.js)."""
    ticket = _ticket(request)
    if ticket is None:
        return redirect("exam:entry")
    attempt = service.current_attempt(ticket)
    if attempt is None:
        return redirect("exam:overview")
    now = timezone.now()
    attempt = service.attempt_finalize_if_expired(attempt=attempt, now=now)
    if attempt.status == AttemptStatus.SUBMITTED:
        return redirect("exam:result")
    error = None
    if request.method == "POST":
        answers = {}
        for position, item in enumerate(attempt.paper):
            values = request.POST.getlist(f"q{position}")
            if values:
                answers[position] = "".join(values)
        try:
            with transaction.atomic():
                service.attempt_save_answers(attempt=attempt, answers=answers, now=now)
        except service.AttemptClosed:
            service.attempt_finalize_if_expired(attempt=attempt, now=now)
            return redirect("exam:result")
        except ValidationError as exc:
            error = "；".join(exc.messages)
        else:
            if request.POST.get("action") == "submit":
                service.attempt_submit(attempt=attempt, now=now)
                return redirect("exam:result")
    answers = service.shown_answers(attempt)
    return render(request, "assessment/exam/attempt.html", {
        "ticket": ticket, "attempt": attempt, "questions": _questions(attempt, answers), "error": error,
        "seconds_left": service.seconds_left(attempt, now), "answered": len(answers),
    }, status=400 if error else 200)


@require_POST
def save(request):
    """One answer, from the page's script: {"position": n, "answer": "B"}; small and constant."""
    ticket_id = request.session.get(SESSION_KEY)
    if ticket_id is None:
        return JsonResponse({"error": _("Log in again.")}, status=403)
    attempt = (
        service.Attempt.objects.filter(ticket_id=ticket_id, status=AttemptStatus.IN_PROGRESS)
        .only("pk", "paper", "deadline", "status").first()
    )
    if attempt is None:
        return JsonResponse({"error": _("This attempt is closed."), "closed": True}, status=409)
    try:
        position = int(request.POST.get("position", ""))
        service.attempt_save_answers(attempt=attempt, answers={position: request.POST.get("answer", "")})
    except service.AttemptClosed:
        return JsonResponse({"error": _("Time is up: this answer was not saved."), "closed": True}, status=409)
    except (ValueError, ValidationError):
        return JsonResponse({"error": _("That answer could not be read.")}, status=400)
    return JsonResponse({"saved": True, "seconds_left": service.seconds_left(attempt)})


@never_cache
def result(request):
    ticket = _ticket(request)
    if ticket is None:
        return redirect("exam:entry")
    attempt = service.current_attempt(ticket)
    if attempt is None:
        return redirect("exam:overview")
    attempt = service.attempt_finalize_if_expired(attempt=attempt)
    if attempt.status != AttemptStatus.SUBMITTED:
        return redirect("exam:attempt")
    return render(request, "assessment/exam/result.html", {"ticket": ticket, "attempt": attempt})


def status(request):
    """The server's remaining seconds, for the countdown after the page was in the background."""
    ticket = _ticket(request)
    attempt = service.current_attempt(ticket) if ticket else None
    if attempt is None:
        raise Http404
    return JsonResponse({"seconds_left": service.seconds_left(attempt), "open": attempt.status == AttemptStatus.IN_PROGRESS})
