from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


def run_action(request, func, success: str):
    """Run a console action's service: its result with a success message, or None with the
    service's own Chinese message (a refusal, or a rule the input broke). Only those two are the
    user's to read: anything else is a programming error and surfaces as one (the inputs are read
    first, by `posted_int` and `posted_date`, which say in Chinese what is wrong with them)."""
    try:
        result = func()
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You are not allowed to do this."))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, success)
        return result
    return None


def posted_int(data, name: str, *, label: str, default: int | None = None) -> int:
    """A whole number from a form (thousands separators allowed), or a Chinese error naming it."""
    value = str(data.get(name, "")).replace(",", "").replace("，", "").strip()
    if not value and default is not None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValidationError(_("%(field)s must be a whole number.") % {"field": label}) from None


def posted_date(data, name: str, *, label: str) -> date:
    try:
        return date.fromisoformat(str(data.get(name, "")).strip())
    except ValueError:
        raise ValidationError(_("%(field)s must be a date (YYYY-MM-DD).") % {"field": label}) from None
