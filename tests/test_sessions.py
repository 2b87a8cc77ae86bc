"""config.sessions: Django's database sessions with a one-statement read."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from config.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_saved_session_reads_back_in_one_statement(django_assert_num_queries):
    session = SessionStore()
    session["exam_ticket_id"] = 42
    session.save()
    again = SessionStore(session_key=session.session_key)
    with django_assert_num_queries(1):
        assert again["exam_ticket_id"] == 42
    assert again.session_key == session.session_key


def test_an_expired_unknown_or_tampered_session_reads_empty_and_gets_a_new_key():
    session = SessionStore()
    session["exam_ticket_id"] = 42
    session.save()
    Session.objects.filter(session_key=session.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(session_key=session.session_key)
    assert expired.load() == {} and expired.session_key is None
    expired["exam_ticket_id"] = 7
    expired.save()
    assert expired.session_key != session.session_key

    assert SessionStore(session_key="no-such-session-key").load() == {}
    fresh = SessionStore()
    fresh["exam_ticket_id"] = 1
    fresh.save()
    Session.objects.filter(session_key=fresh.session_key).update(session_data="tampered:data")
    assert SessionStore(session_key=fresh.session_key).load() == {}
