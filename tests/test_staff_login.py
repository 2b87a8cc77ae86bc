"""Staff login throttles (issue 15): a stranger cannot lock a real user out, spraying is stopped,
and a right password after the limits is refused with a clear Chinese page."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, make_staff

LOGIN = "/admin/login/"


def _try(username, password, address, **extra):
    return Client(REMOTE_ADDR=address).post(LOGIN, {"username": username, "password": password}, **extra)


def _ok(response) -> bool:
    return response.status_code == 302 and "/login/" not in response["Location"]


@pytest.fixture
def people(tree, db):
    return {name: make_staff(name, "operator", tree.county_a) for name in ("wang", "li", "zhao", "qian", "sun", "zhou", "wu")}


def test_a_stranger_elsewhere_cannot_lock_the_real_user_out(people):
    for _ in range(6):
        _try("wang", "wrong-password", "198.51.100.66")
    locked = _try("wang", PASSWORD, "198.51.100.66")
    assert locked.status_code == 429 and "暂停" in locked.content.decode()  # the stranger's own address is locked
    assert _ok(_try("wang", PASSWORD, "192.0.2.10"))  # the real user, at their desk, logs in


def test_behind_the_trusted_proxy_each_client_counts_apart(people, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    for _ in range(6):
        _try("wang", "wrong-password", "10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.66")
    assert _ok(_try("wang", PASSWORD, "10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.10"))


def test_password_spraying_stops_at_the_sixth_username_even_for_the_superuser(people, django_user_model, settings):
    django_user_model.objects.create_superuser("root", password=PASSWORD)
    spray = "203.0.113.99"
    for name in ("wang", "li", "zhao", "qian", "sun"):
        for guess in ("123456", "password", "qwerty", "admin123"):
            _try(name, guess, spray)
    assert _ok(_try("zhou", PASSWORD, spray))  # five usernames: not yet spraying (an office of colleagues)
    Client().logout()
    _try("wu", "123456", spray)  # the sixth username
    refused = _try("root", PASSWORD, spray)
    assert refused.status_code == 429 and "暂停" in refused.content.decode()
    assert _ok(_try("root", PASSWORD, "192.0.2.20"))  # from anywhere else the superuser logs in
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.STAFF_LOGIN_WINDOW_SECONDS + 1)):
        assert _ok(_try("root", PASSWORD, spray))  # the pause ends with the window


def test_many_failures_for_one_username_from_many_addresses_slow_it_down_without_locking(people, settings):
    limit = settings.STAFF_LOGIN_USERNAME_FAILURES
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for i in range(limit):
            _try("li", "wrong-password", f"198.51.100.{i + 1}")
        refused = _try("li", PASSWORD, "192.0.2.30")
        assert refused.status_code == 429 and "15" in refused.content.decode()  # wait 15 seconds
        clock.shift(timedelta(seconds=14))
        assert _try("li", PASSWORD, "192.0.2.30").status_code == 429
        clock.shift(timedelta(seconds=1))
        assert _ok(_try("li", PASSWORD, "192.0.2.30"))  # the delay has passed: the real user gets in


def test_the_address_limit_is_much_higher_than_an_offices_typos(people, settings):
    settings.STAFF_LOGIN_ADDRESS_FAILURES = 8
    office = "192.0.2.77"
    for name in ("wang", "li", "zhao", "qian"):
        _try(name, "typo-typo-1", office)
        _try(name, "typo-typo-2", office)
    assert _try("sun", PASSWORD, office).status_code == 429  # the eighth failure reached the limit
    settings.STAFF_LOGIN_ADDRESS_FAILURES = 30
    assert _ok(_try("sun", PASSWORD, office))


def test_the_exam_login_is_not_touched(people):
    for _ in range(3):
        _try("wang", "wrong-password", "192.0.2.88")
    assert Client(REMOTE_ADDR="192.0.2.88").get(reverse("exam:entry")).status_code == 200
