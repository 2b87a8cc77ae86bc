"""Request-wide limits (issue 15): the body cap before reading, staff session limits, Permissions-Policy."""

import time

from django.conf import settings


def test_a_body_past_the_cap_is_refused_before_it_is_read(client):
    response = client.post("/admin/login/", data=b"x", content_type="application/octet-stream",
                           CONTENT_LENGTH=str(settings.MAX_REQUEST_BYTES + 1))
    assert response.status_code == 413


def test_every_response_has_a_permissions_policy(client, db):
    assert "camera=()" in client.get("/admin/login/").headers["Permissions-Policy"]


def test_a_staff_session_ends_after_30_minutes_idle_and_after_a_working_day(client, staff):
    client.force_login(staff.operator_a)
    assert client.get("/admin/").status_code == 200
    for key in ("_staff_seen_at", "_staff_login_at"):
        session = client.session
        session[key] = int(time.time()) - settings.STAFF_SESSION_IDLE_SECONDS * (16 if key == "_staff_login_at" else 1) - 5
        session.save()
        assert client.get("/admin/").status_code == 302, key
        client.force_login(staff.operator_a)


def test_staff_sessions_do_not_outlive_the_browser_or_the_day():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
