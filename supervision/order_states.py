"""An order to correct's states and the transitions the law allows, in one place.

Every service that changes an order's status asks `transition_target`; a move not in the table is
refused. Each row names the article that allows it.

    issued ──evidence──▶ evidence ──verify──▶ verified
       ▲                    │
       └──────reject────────┘   (with a reason and a new deadline)
    issued / evidence ──deadline passes──▶ overdue   (whatever the order holds)
    issued / evidence / overdue ──refuse──▶ refused  (拒不改正, with its facts)
    overdue ──verify──▶ verified                      (corrected late: closed, the lateness stays logged)
"""

from __future__ import annotations

from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import OrderStatus

ISSUED, EVIDENCE, VERIFIED, OVERDUE, REFUSED = (
    OrderStatus.ISSUED, OrderStatus.EVIDENCE, OrderStatus.VERIFIED, OrderStatus.OVERDUE, OrderStatus.REFUSED,
)
OPEN = (ISSUED, EVIDENCE, OVERDUE)
# Open with the deadline still running: the unit may still correct; past the deadline these turn overdue.
UNDER_DEADLINE = (ISSUED, EVIDENCE)


class Transition(NamedTuple):
    target: str
    basis: str


# (action, from status) -> (to status, why the law allows it)
TRANSITIONS: dict[tuple[str, str], Transition] = {
    # Order 75 Art. 15 ¶3, Art. 17: the unit corrects and shows it.
    ("evidence", ISSUED): Transition(EVIDENCE, "Order 75 Art. 15 ¶3, Art. 17"),
    ("evidence", EVIDENCE): Transition(EVIDENCE, "Order 75 Art. 15 ¶3, Art. 17"),
    # Evidence after the deadline does not undo the lateness: the order stays overdue until verified.
    ("evidence", OVERDUE): Transition(OVERDUE, "Order 75 Art. 17 (拒不改正 is judged at the deadline)"),
    # The bureau checks the correction; a re-exam order also needs the re-exam passed (Art. 15 ¶1).
    ("verify", EVIDENCE): Transition(VERIFIED, "Order 75 Art. 15 ¶1, ¶3"),
    ("verify", OVERDUE): Transition(VERIFIED, "Order 75 Art. 17 (corrected late)"),
    # Evidence found wanting: back to issued, with a reason and a new deadline.
    ("reject", EVIDENCE): Transition(ISSUED, "Order 75 Art. 17 (责令改正 continues)"),
    # The deadline passed without verification: overdue, whether or not evidence is on file.
    ("overdue", ISSUED): Transition(OVERDUE, "Order 75 Art. 17"),
    ("overdue", EVIDENCE): Transition(OVERDUE, "Order 75 Art. 17"),
    # The unit refused to correct (拒不改正): the ground for a fine under Art. 17.
    ("refuse", ISSUED): Transition(REFUSED, "Order 75 Art. 17"),
    ("refuse", EVIDENCE): Transition(REFUSED, "Order 75 Art. 17"),
    ("refuse", OVERDUE): Transition(REFUSED, "Order 75 Art. 17"),
}

# Order 75 Art. 17: "拒不改正的，处……罚款": only an order not corrected can lead to a fine.
FINABLE = (OVERDUE, REFUSED)


def transition_target(action: str, status: str) -> str:
    """The status `action` moves an order in `status` to, or a ValidationError saying why not."""
    transition = TRANSITIONS.get((action, status))
    if transition is None:
        raise ValidationError(
            _("This cannot be done to an order that is “%(status)s”.") % {"status": OrderStatus(status).label}
        )
    return transition.target


def actions_from(status: str) -> set[str]:
    return {action for action, source in TRANSITIONS if source == status}
