from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


def run_action(request, func, success: str):
    """Run a console action's service: its result with a success message, or None with the
    service's own Chinese message (a refusal, or a rule the input broke)."""
    try:
        result = func()
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You are not allowed to do this."))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    except (TypeError, ValueError):
        messages.error(request, _("That could not be read."))
    else:
        messages.success(request, success)
        return result
    return None
