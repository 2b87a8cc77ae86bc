"""One scheduler for the periodic commands (settings.PERIODIC_COMMANDS).

Each command runs when it falls due: at start, then every interval after its last start. They run one
after another in the scheduler's process, so two runs of the same command never overlap; a command that
fails is logged and tried again at its next interval, and never stops the others. The commands are
idempotent, so a deployment may also run them from cron instead (README, "Periodic commands").
"""

import io
import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.db import connections

logger = logging.getLogger("zlaq.periodic")


def _drop_stale_connections() -> None:
    """A long-lived process drops connections the server closed or that outlived CONN_MAX_AGE, as Django
    does between requests; never one inside a transaction (closing it there would break the transaction)."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


@dataclass
class Scheduler:
    commands: list[tuple[str, int]] = field(default_factory=lambda: list(settings.PERIODIC_COMMANDS))
    last_start: dict[str, float] = field(default_factory=dict)

    def due(self, now: float) -> list[str]:
        """The commands due at `now` (a monotonic clock reading), in the order of the setting."""
        return [
            name
            for name, interval in self.commands
            if name not in self.last_start or now - self.last_start[name] >= interval
        ]

    def run_due(self, now: float) -> dict[str, bool]:
        """Runs every command due at `now`; returns {command: succeeded}."""
        outcome = {}
        for name in self.due(now):
            self.last_start[name] = now
            out = io.StringIO()
            _drop_stale_connections()
            try:
                call_command(name, stdout=out)
            except Exception:  # a failing command must not stop the others; logged with its trace
                logger.exception("periodic command %s failed", name)
                outcome[name] = False
            else:
                logger.info("periodic command %s: %s", name, out.getvalue().strip())
                outcome[name] = True
        return outcome

    def next_due_in(self, now: float) -> float:
        """Seconds until the next command falls due (0 if one is due now)."""
        waits = [
            0 if name not in self.last_start else self.last_start[name] + interval - now
            for name, interval in self.commands
        ]
        return max(0.0, min(waits, default=60.0))

    def run_forever(self, clock=time.monotonic, sleep=time.sleep):  # pragma: no cover - the loop
        while True:
            self.run_due(clock())
            sleep(max(1.0, self.next_due_in(clock())))
