"""Django's database sessions, read with one plain statement.

Every exam request reads its session (the ticket it is logged in to); compiling the queryset
`Session.objects.get(session_key=..., expire_date__gt=now)` cost more than running it
(bench/exam_requests.py). Writes, expiry, `clearsessions` and the data format are Django's own:
only the read differs, and it reads the same row under the same conditions.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def load(self):
        if self.session_key is None:
            return {}
        model = self.model
        connection = connections[router.db_for_read(model)]
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's store does: a new key when this session is saved
            return {}
        return self.decode(row[0])
