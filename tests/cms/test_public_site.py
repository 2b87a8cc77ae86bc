import re

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_home_page_is_served_in_chinese_with_no_external_assets(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'lang="zh-Hans"' in page
    assert "工业产品质量安全监管信息公开" in page
    assert "考核入口" in page
    # Nothing loaded from elsewhere; the only links out are the footer's filing registries (the ICP
    # number must link to MIIT's registry, the public-security number to its own).
    assert not re.search(r"""src=["']https?://|<link[^>]+href=["']https?://""", page)
    assert {re.sub(r"[?#].*", "", h) for h in re.findall(r"""<a[^>]+href=["'](https?://[^"']+)""", page)} <= {
        "https://beian.miit.gov.cn/", "https://beian.mps.gov.cn/"}


@pytest.mark.django_db
def test_home_page_stays_chinese_for_an_english_browser(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "考核入口" in page


@pytest.mark.django_db
def test_exam_entry_page_shows_rules_and_ticket_login(client):
    response = client.get(reverse("exam:entry"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "准考证号" in page and "访问码" in page
    assert "不收取任何费用" in page
    assert not re.search(r"""(src|href)=["']https?://""", page)


@pytest.mark.django_db
def test_exam_login_with_unknown_ticket_is_refused_in_chinese(client):
    response = client.post(reverse("exam:entry"), {"ticket_number": "20260001", "access_code": "ABCD1234"})
    assert response.status_code == 400
    assert "准考证号或访问码不正确" in response.content.decode()


@pytest.mark.django_db
def test_exam_login_requires_both_fields(client):
    response = client.post(reverse("exam:entry"), {"ticket_number": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_ticket_number_error"' in page and "必需字段" in page


@pytest.mark.django_db
def test_exam_login_enforces_csrf():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("exam:entry"), {"ticket_number": "1", "access_code": "2"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_unknown_public_path_is_404(client):
    assert client.get("/no-such-page/").status_code == 404
