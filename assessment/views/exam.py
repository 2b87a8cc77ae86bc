"""The candidates' face (/exam/): ticket login, the rules, the timed attempt, the result.

Plain Django views and templates, mobile first, no framework. Every request finds the attempt
through the ticket in the session, so a ticket can never read or write another's attempt."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from config.client_address import client_address
from supervision.personal_data import name_mask

from ..models import AttemptStatus, QuestionType, QuestionVersion, Ticket
from ..services import attempts as service
from ..services.sessions import LoginRefused, ticket_login

SESSION_KEY = "exam_ticket_id"


class TicketLoginForm(forms.Form):
    ticket_number = forms.CharField(
        label=gettext_lazy("Ticket number"), max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "autocapitalize": "off"}),
    )
    access_code = forms.CharField(
        label=gettext_lazy("Access code"), max_length=32,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


def _ticket(request) -> Ticket | None:
    """The logged-in ticket with what the overview shows (not the person's protected fields)."""
    ticket_id = request.session.get(SESSION_KEY)
    if ticket_id is None:
        return None
    return (
        Ticket.objects.select_related("session", "person__unit", "blueprint")
        .only("number", "paper", "sittings_allowed", "extra_minutes", "absent_marked_at", "session", "person", "blueprint",
              "session__name", "session__starts_at", "session__ends_at", "session__latest_start_at", "session__plan", "person__name", "person__role",
              "person__unit", "person__unit__name", "blueprint__time_limit_minutes", "blueprint__pass_mark_percent")
        .filter(pk=ticket_id, revoked_at__isnull=True).first()
    )


def _attempt(request):
    """The logged-in ticket's latest sitting; None when logged out or not started."""
    ticket_id = request.session.get(SESSION_KEY)
    return None if ticket_id is None else service.current_attempt(ticket_id)


@never_cache
@require_http_methods(["GET", "POST"])
def entry(request):
    """The exam entry page: what the assessment is, the rules, and the ticket login."""
    if request.method == "GET" and request.session.get(SESSION_KEY) is not None:
        return redirect("exam:overview")
    form = TicketLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = ticket_login(number=form.cleaned_data["ticket_number"], code=form.cleaned_data["access_code"],
                                  address=client_address(request))
        except LoginRefused as refused:
            form.add_error(None, str(refused))
        else:
            if request.session.session_key is not None:
                # a session came with the request: a new key, so that nobody who planted or
                # saw the old one rides on this login (a new session gets a fresh key anyway)
                request.session.cycle_key()
            request.session[SESSION_KEY] = ticket.pk
            request.session.set_expiry(_login_seconds(ticket))
            return redirect("exam:overview")
    return render(request, "assessment/exam/entry.html", {"form": form}, status=400 if form.errors else 200)


# An exam login lasts until the session's window closes (with the ticket's extra time and a margin
# for a paper submitted at its deadline), never more than a staff working day; after the paper is
# submitted, long enough to read the result. Exam-room devices are shared.
RESULT_SECONDS = 15 * 60


def _login_seconds(ticket, now=None) -> int:
    now = now or timezone.now()
    until = ticket.session.ends_at + timedelta(minutes=ticket.extra_minutes) + timedelta(seconds=RESULT_SECONDS)
    return max(60, min(int((until - now).total_seconds()), settings.SESSION_COOKIE_AGE))


@require_POST
def logout(request):
    ticket_id = request.session.pop(SESSION_KEY, None)
    if ticket_id is not None:
        service.save_passes_revoke(ticket_id=ticket_id)
    request.session.cycle_key()  # a new session key: the save pass given to this browser stops working
    response = redirect("exam:entry")
    response.delete_cookie(service.SAVE_PASS_COOKIE, path=reverse("exam:save"), samesite="Strict")
    return response


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
    blueprint = service.ticket_blueprint(ticket)
    can_start = (attempt is None or attempt.sequence < ticket.sittings_allowed) and not ticket.absent_marked_at
    return render(request, "assessment/exam/overview.html", {
        "ticket": ticket, "masked_name": name_mask(ticket.person.name), "blueprint": blueprint,
        "question_count": len(ticket.paper or []) or sum(c.count for c in blueprint.cells.all()),
        "window_open": service.attempt_window_open(ticket, now), "not_yet": now < ticket.session.starts_at,
        "attempt": attempt, "can_start": can_start, "time_limit": blueprint.time_limit_minutes + ticket.extra_minutes,
    })


def _give_save_pass(request, response, attempt) -> None:
    """The save pass (see attempts.save_pass_issue): sent back only to the save endpoint."""
    response.set_cookie(
        service.SAVE_PASS_COOKIE, service.save_pass_issue(session_key=request.session.session_key, attempt=attempt),
        path=reverse("exam:save"), secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Strict",
    )


@require_POST
def start(request):
    ticket_id = request.session.get(SESSION_KEY)
    if ticket_id is None:
        return redirect("exam:entry")
    try:
        attempt = service.attempt_start(ticket_id=ticket_id)
    except ValidationError:
        return redirect("exam:overview")
    response = redirect("exam:attempt")
    if attempt.status == AttemptStatus.IN_PROGRESS:
        _give_save_pass(request, response, attempt)
    return response


def _questions(attempt, answers):
    rows = QuestionVersion.objects.filter(pk__in=[item["v"] for item in attempt.paper]).values_list("pk", "type", "stem", "options")
    versions = {pk: (kind, stem, options) for pk, kind, stem, options in rows}
    type_labels = dict(QuestionType.choices)
    questions = []
    for position, item in enumerate(attempt.paper):
        kind, stem, options = versions[item["v"]]
        # Only what the candidate must see: stem and options in the paper's order. Never the
        # answer or the explanation.
        questions.append({
            "position": position, "number": position + 1, "type": kind, "type_label": type_labels[kind], "stem": stem,
            "options": [(service.LETTERS[i], options[original]) for i, original in enumerate(item["o"])],
            "chosen": answers.get(position, ""),
        })
    return questions


def _paper_html(questions) -> str:
    """The questions' fieldsets, every bank text escaped. Built here rather than in a template
    loop: the paper is the largest page candidates load at the start-time spike, and its ~150
    template nodes per question cost several times this (bench/exam_load.py, GET /exam/attempt/)."""
    saved = escape(_("Saved"))
    parts = []
    for q in questions:
        kind = "checkbox" if q["type"] == QuestionType.MULTI else "radio"
        position, chosen = q["position"], q["chosen"]
        parts.append(
            f'<fieldset class="exam-q" id="q{q["number"]}" data-position="{position}" data-type="{escape(q["type"])}">'
            f'<legend><span class="exam-q__no">{q["number"]}.</span> <span class="exam-q__type">[{escape(str(q["type_label"]))}]</span> '
            f'{escape(q["stem"])}</legend>'
        )
        for letter, text in q["options"]:
            parts.append(
                f'<label class="exam-opt"><input type="{kind}" name="q{position}" value="{letter}"'
                f'{" checked" if letter in chosen else ""}><span>{letter}. {escape(text)}</span></label>'
            )
        parts.append(f'<p class="exam-saved" data-saved aria-live="polite">{saved if chosen else ""}</p></fieldset>\n')
    return mark_safe("".join(parts))  # noqa: S308 - bank texts and labels are escaped above


_DONE = ' class="done"'


def _paper_nav(questions) -> str:
    return mark_safe("".join(  # noqa: S308 - numbers only
        f'<a href="#q{q["number"]}" data-nav="{q["position"]}"{_DONE if q["chosen"] else ""}>{q["number"]}</a>'
        for q in questions
    ))


@never_cache
@require_http_methods(["GET", "POST"])
def attempt_page(request):
    """All questions on one page. Works without JavaScript: the form posts every answer; with
    JavaScript each answer is saved as it is given (see static/js/exam.js)."""
    if request.session.get(SESSION_KEY) is None:
        return redirect("exam:entry")
    attempt = _attempt(request)
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
            if request.POST.get("action") == "submit":
                service.attempt_submit(attempt=attempt, answers=answers, now=now)
                request.session.set_expiry(RESULT_SECONDS)  # a shared exam-room device forgets the candidate soon
                return redirect("exam:result")
            with transaction.atomic():
                service.attempt_save_answers(attempt=attempt, answers=answers, now=now)
        except service.AttemptClosed:
            service.attempt_finalize_if_expired(attempt=attempt, now=now)
            return redirect("exam:result")
        except ValidationError as exc:
            error = "；".join(exc.messages)
    answers = service.shown_answers(attempt)
    questions = _questions(attempt, answers)
    response = render(request, "assessment/exam/attempt.html", {
        "attempt": attempt, "questions": questions, "paper_html": _paper_html(questions), "paper_nav": _paper_nav(questions), "error": error,
        "seconds_left": service.seconds_left(attempt, now), "answered": len(answers),
    }, status=400 if error else 200)
    _give_save_pass(request, response, attempt)
    return response


def _save_with_pass(request) -> JsonResponse | None:
    """The one-statement save, for a request carrying a valid save pass; None for the session path
    (no pass, or nothing stored: the session path then says why, and finalises a late attempt)."""
    granted = service.save_pass_read(session_key=request.COOKIES.get(settings.SESSION_COOKIE_NAME),
                                     value=request.COOKIES.get(service.SAVE_PASS_COOKIE))
    if granted is None:
        return None
    try:
        position = int(request.POST.get("position", ""))
        letters = service.stored_letters(granted, position, request.POST.get("answer", ""))
    except (ValueError, ValidationError):
        return JsonResponse({"error": _("That answer could not be read.")}, status=400)
    now = timezone.now()
    deadline = service.attempt_answer_store(attempt_id=granted.attempt_id, pass_key=granted.key, position=position,
                                            letters=letters, now=now)
    if deadline is None:
        return None
    return JsonResponse({"saved": True, "seconds_left": service.seconds_left(deadline, now)})


@require_POST
def save(request):
    """One answer, from the page's script: {"position": n, "answer": "B"}; small and constant.
    With the save pass it is one statement; without, the session finds the attempt."""
    fast = _save_with_pass(request)
    if fast is not None:
        return fast
    ticket_id = request.session.get(SESSION_KEY)
    if ticket_id is None:
        return JsonResponse({"error": _("Log in again.")}, status=403)
    attempt = (
        service.Attempt.objects.filter(ticket_id=ticket_id, status=AttemptStatus.IN_PROGRESS)
        .only("pk", "paper", "deadline", "status").first()
    )
    if attempt is None or request.POST.get("attempt", str(attempt.pk)) != str(attempt.pk):
        # no open attempt, or the answer comes from the page of an earlier sitting
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
    if request.session.get(SESSION_KEY) is None:
        return redirect("exam:entry")
    attempt = _attempt(request)
    if attempt is None:
        return redirect("exam:overview")
    attempt = service.attempt_finalize_if_expired(attempt=attempt)
    if attempt.status != AttemptStatus.SUBMITTED:
        return redirect("exam:attempt")
    return render(request, "assessment/exam/result.html", {"attempt": attempt})


def status(request):
    """The server's remaining seconds, for the countdown after the page was in the background."""
    attempt = _attempt(request)
    if attempt is None:
        raise Http404
    return JsonResponse({"seconds_left": service.seconds_left(attempt), "open": attempt.status == AttemptStatus.IN_PROGRESS})
