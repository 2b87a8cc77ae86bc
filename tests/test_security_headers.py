"""Content-Security-Policy (issue 15): on every response, strict for scripts, kept by production; the
plotly stylesheet stays in step with plotly.js. tests/browser/ fails on any violation in a browser."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from config import plotly_css

BASE_DIR = Path(__file__).resolve().parent.parent


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def assert_strict(directives):
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', nothing remote
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    for name, values in directives.items():
        assert not any(v.startswith(("http:", "https:")) or v == "*" for v in values), name


@pytest.mark.parametrize("path", ["/", "/exam/", "/admin/login/", "/no-such-page/"])
def test_every_kind_of_page_has_the_policy(client, db, path):
    response = client.get(path)
    assert response.status_code == (404 if path == "/no-such-page/" else 200)
    directives = policy(response)
    assert_strict(directives)
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in " ".join(directives.get("script-src-elem", []) + directives.get("script-src-attr", []))


def test_the_signed_in_console_has_it_and_admits_only_style_elements(client, staff):
    client.force_login(staff.operator_a)
    directives = policy(client.get("/admin/"))
    assert_strict(directives)
    # Draftail's <style> elements (config/settings/base.py); style attributes stay refused.
    assert directives["style-src-elem"] == ["'self'", "'unsafe-inline'"]
    assert directives["style-src"] == ["'self'"]
    assert "style-src-attr" not in directives


@pytest.mark.parametrize("path", ["/", "/exam/", "/no-such-page/"])
def test_the_public_site_and_the_exam_admit_no_inline_style(client, db, path):
    directives = policy(client.get(path))
    assert directives["style-src"] == ["'self'"]
    assert "style-src-elem" not in directives and "style-src-attr" not in directives


def test_wagtails_preview_may_be_framed_by_our_own_pages_only(client, db, django_user_model):
    from cms.models import HomePage

    home = HomePage.objects.get()
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    url = f"/admin/pages/{home.pk}/edit/preview/"
    posted = client.post(url, {"title": home.title, "slug": home.slug, "intro": "", "body": '{"blocks": [], "entityMap": {}}'})
    assert posted.status_code == 200, posted.content[:500]
    assert posted.json()["is_valid"]
    response = client.get(url + "?in_preview_panel=true")
    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert policy(response)["frame-ancestors"] == ["'self'"]
    assert policy(client.get(f"/admin/pages/{home.pk}/edit/"))["frame-ancestors"] == ["'none'"]


def test_the_middleware_sits_where_it_writes_every_response():
    assert "csp" in settings.INSTALLED_APPS
    assert settings.MIDDLEWARE[1] == "config.middleware.ContentSecurityPolicyMiddleware"


def _production_env():
    from cryptography.fernet import Fernet

    import secrets

    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR", "DATABASE_URL"}}
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "zlaq.example.gov.cn",
    }


def test_production_keeps_the_policy():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "d = s.CONTENT_SECURITY_POLICY['DIRECTIVES']; "
        "assert 'config.middleware.ContentSecurityPolicyMiddleware' in s.MIDDLEWARE; "
        "assert d['script-src'] == [\"'self'\"], d; assert d['frame-ancestors'] == [\"'none'\"], d; "
        "assert not hasattr(s, 'CONTENT_SECURITY_POLICY_REPORT_ONLY')"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=BASE_DIR, env=_production_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_production_settings_pass_check_deploy():
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=BASE_DIR, env=_production_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_plotly_stylesheet_matches_the_installed_plotly():
    committed = (BASE_DIR / "static" / "css" / "plotly.css").read_text(encoding="utf-8")
    assert committed == plotly_css.global_css(), "run: .venv/bin/python -m config.plotly_css > static/css/plotly.css"
    include = (BASE_DIR / "templates" / "includes" / "plotly_assets.html").read_text(encoding="utf-8")
    assert f'id="{plotly_css.map_css_id()}"' in include
    assert f'id="{plotly_css.GLOBAL_STYLE_ID}" class="no-inline-styles"' in include


def test_our_templates_have_no_inline_script_or_style():
    import re

    inline = re.compile(r"<script(?![^>]*(\bsrc=|type=\"application/json\"))[^>]*>|\son[a-z]+=|javascript:|\sstyle=\"|<style", re.I)
    found = []
    for folder in ("templates", "supervision/templates", "assessment/templates", "cms/templates"):
        for path in (BASE_DIR / folder).rglob("*.html") if (BASE_DIR / folder).exists() else ():
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if inline.search(re.sub(r"\{#.*?#\}", "", line)):
                    found.append(f"{path.relative_to(BASE_DIR)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
