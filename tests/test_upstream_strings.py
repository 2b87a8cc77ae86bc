"""The Chinese of Wagtail's strings that its zh_Hans catalogues lack (issue 20): `locale_upstream/`,
read after ours and before Wagtail's. Every entry translated and compiled, still a string of the
Wagtail installed (an upgrade that drops or rewords one shows here), and used by the console."""

import pathlib
import subprocess

import polib
import pytest
import wagtail
from django.utils import translation

ROOT = pathlib.Path(__file__).resolve().parent.parent
UPSTREAM = ROOT / "locale_upstream" / "zh_Hans" / "LC_MESSAGES"
WAGTAIL = pathlib.Path(wagtail.__file__).parent


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_entry_is_translated_and_compiled(domain, tmp_path):
    po = polib.pofile(str(UPSTREAM / f"{domain}.po"))
    assert len(po) and po.percent_translated() == 100 and not po.fuzzy_entries()
    fresh = tmp_path / "fresh.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(UPSTREAM / f"{domain}.po")], check=True)
    assert fresh.read_bytes() == (UPSTREAM / f"{domain}.mo").read_bytes(), "run msgfmt on locale_upstream (see README)"


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_entry_is_still_a_string_of_the_installed_wagtail(domain):
    known = set()
    for path in WAGTAIL.glob(f"**/locale/en/LC_MESSAGES/{domain}.po"):
        known.update((e.msgctxt, e.msgid) for e in polib.pofile(str(path)))
    stale = [e.msgid for e in polib.pofile(str(UPSTREAM / f"{domain}.po")) if (e.msgctxt, e.msgid) not in known]
    assert not stale, f"no longer in Wagtail {wagtail.__version__}: {stale[:10]}"


def test_the_console_reads_them():
    with translation.override("zh-hans"):
        assert translation.gettext("Search all pages…") != "Search all pages…"
        assert "%(label)s" in translation.gettext("Sort by '%(label)s' in ascending order.")
        assert translation.gettext("Sort by '%(label)s' in ascending order.") != "Sort by '%(label)s' in ascending order."
