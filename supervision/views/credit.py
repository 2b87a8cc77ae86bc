"""The credit rules in the console (issue 18): everyone reads the rules in force and their
versions; approvers change them, each change a new version (`services.credit.credit_rule_set_change`)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..authorization import may, requires
from ..models import CreditEventKind
from ..selectors_credit import credit_rule_set_current, credit_rule_sets
from ..services.credit import credit_rule_set_change


class CreditRulesForm(forms.Form):
    """Thresholds, then one weight, window and rationale per event kind, then why it changes."""

    b_from = forms.IntegerField(label=gettext_lazy("class B from score"))
    c_from = forms.IntegerField(label=gettext_lazy("class C from score"))
    d_from = forms.IntegerField(label=gettext_lazy("class D from score"))

    def __init__(self, *args, rule_set=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = {r.kind: r for r in rule_set.rules.all()} if rule_set else {}
        if rule_set:
            self.initial.update({"b_from": rule_set.b_from, "c_from": rule_set.c_from, "d_from": rule_set.d_from})
        self.kinds = []
        for kind, label in CreditEventKind.choices:
            rule = current.get(kind)
            self.fields[f"weight_{kind}"] = forms.IntegerField(label=label, min_value=-1000, max_value=1000,
                                                               initial=rule.weight if rule else 0)
            self.fields[f"window_{kind}"] = forms.IntegerField(label=_("look-back window (months)"), min_value=1, max_value=120,
                                                               initial=rule.window_months if rule else 12)
            self.fields[f"rationale_{kind}"] = forms.CharField(label=_("rationale"), widget=forms.Textarea(attrs={"rows": 2}),
                                                               initial=rule.rationale if rule else "")
            self.kinds.append((label, self[f"weight_{kind}"], self[f"window_{kind}"], self[f"rationale_{kind}"]))
        self.fields["note"] = forms.CharField(label=_("reason for the change"), widget=forms.Textarea(attrs={"rows": 2}))

    def rules(self) -> list[dict]:
        data = self.cleaned_data
        return [{"kind": kind, "weight": data[f"weight_{kind}"], "window_months": data[f"window_{kind}"],
                 "rationale": data[f"rationale_{kind}"]} for kind in CreditEventKind.values]


@requires("console.read")
def credit_rules_view(request):
    return render(request, "supervision/credit_rules.html", {
        "page_title": _("Credit rules"), "header_title": _("Credit rules"), "current": credit_rule_set_current(),
        "versions": credit_rule_sets(), "may_change": may(request.user, "credit_rules.change"),
    })


@requires("credit_rules.change")
def credit_rules_edit_view(request):
    current = credit_rule_set_current()
    form = CreditRulesForm(request.POST or None, rule_set=current)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rule_set = credit_rule_set_change(actor=request.user, b_from=data["b_from"], c_from=data["c_from"], d_from=data["d_from"],
                                              rules=form.rules(), note=data["note"])
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, _("Credit rules version %(version)s is in force; every unit's class was recomputed.") % {
                "version": rule_set.version})
            return redirect("credit_rules")
    return render(request, "supervision/credit_rules_edit.html", {
        "page_title": _("Change the credit rules"), "header_title": _("Change the credit rules"), "form": form, "current": current,
    })
