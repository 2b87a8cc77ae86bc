from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods


class TicketLoginForm(forms.Form):
    ticket_number = forms.CharField(
        label=_("Ticket number"), max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "autocapitalize": "off"}),
    )
    access_code = forms.CharField(
        label=_("Access code"), max_length=32,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "autocapitalize": "off"}),
    )


@require_http_methods(["GET", "POST"])
def entry(request):
    """The exam entry page: what the assessment is, the rules, and the ticket login."""
    form = TicketLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # No ticket matches until tickets are issued (the sampling issue); say so plainly.
        form.add_error(None, _("The ticket number or access code is wrong. Please check your assessment notice."))
    return render(request, "assessment/exam/entry.html", {"form": form}, status=400 if form.errors else 200)
