"""Issue 20: the console reads as native Chinese software. In a real browser, from the demo, every
console page each role reaches from the dashboard (one page per URL shape: /admin/units/inspect/7/
stands for every unit's page) is walked, and every visible text node and placeholder that still
reads as English fails the test: a Latin-only phrase, or two English words in a Chinese sentence
("Sort by '规模' in ascending order."). What may be Latin is allowed by shape: codes (USCC, ticket
numbers, document numbers), usernames, numbers, dates, file names, hashes, addresses, units."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.steps import console_login

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ROLES = ("yuhang-operator", "yuhang-approver", "yuhang-admin", "hangzhou-overseer")
PAGES_PER_ROLE = 70
# Pages not walked: they change state on GET-less forms, leave the console, or are files.
SKIP = re.compile(r"/(logout|delete|unpublish|lock|unlock|copy|move|revisions|workflow/(cancel|action))/|/(print|frame|download|export|csv|xlsx|photo|file)s?/|jsi18n|/documents/\d+/|/images/\d+/|/login/|/preview/|\.\w{2,4}$")
# What may be Latin: codes and names by their shape.
ALLOWED = re.compile(
    r"[0-9A-Z]{8,}"  # USCC, ticket numbers, access codes, certificate numbers
    r"|[a-z]+(-[a-z0-9]+)+"  # usernames
    r"|[0-9a-f]{16,}"  # hashes
    r"|\S+\.(py|csv|xlsx|xls|pdf|jpg|png|zip)\b"  # file names
    r"|https?://\S+|\S+@\S+"  # addresses
    r"|\b(USCC|CSV|PDF|SHA-256|SHA256|ICP|TOTP|Excel|JSON|HTML|GBK|UTF-8|URL|ID|Wagtail|OTP|A4|KB|MB|GB|px|GB/T|JPG|JPEG|PNG|WEBP|GIF|HEIC|SVG|[A-D])\b"
)
ENGLISH = re.compile(r"[A-Za-z]{2,}[ ,.:;'’\-]+[A-Za-z]{2,}|^[^\u3400-\u9fff]*[A-Za-z]{3,}[^\u3400-\u9fff]*$")

VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const text = node.nodeValue.trim();
    const el = node.parentElement;
    if (!text || !el || el.closest('script, style, noscript, template, code, pre, kbd, [hidden], [aria-hidden="true"], .visually-hidden')) continue;
    if (!el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    out.push(text);
  }
  document.querySelectorAll('input[placeholder], textarea[placeholder]').forEach(e => { if (e.getClientRects().length) out.push(e.placeholder); });
  return out;
}"""


def english(text: str) -> bool:
    rest = ALLOWED.sub(" ", text)
    return bool(ENGLISH.search(rest.strip()))


def shape(url: str) -> str:
    parts = urlsplit(url)
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(sorted(k.split("=")[0] for k in parts.query.split("&"))) if parts.query else "")


def test_english_is_recognised_and_codes_are_not():
    for text in ("Sort by '规模' in ascending order.", "Search all pages…", "Privacy and access", "No 整改通知 match your query.", "Actions"):
        assert english(text), text
    for text in ("91330110MA2H2D9E66", "yuhang-operator", "余杭区市监罚〔2026〕2号", "2026-12-04", "verify_draw.py", "20 MB", "A 类", "3/8", "SHA-256"):
        assert not english(text), text


@pytest.mark.django_db(transaction=True)
def test_every_console_page_of_every_role_reads_in_chinese(live_server, browser):
    from django.core.management import call_command

    from supervision.demo import DEMO_PASSWORD

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    base = live_server.url
    found = {}
    for username in ROLES:
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(20000)
        console_login(page, base, username, DEMO_PASSWORD)
        queue, shapes = ["/admin/"], set()
        while queue and len(shapes) < PAGES_PER_ROLE:
            url = queue.pop(0)
            if shape(url) in shapes or SKIP.search(url):
                continue
            shapes.add(shape(url))
            try:
                response = page.goto(base + url)
            except PlaywrightError as error:  # a link to a file (a frame, a roster, an export)
                if "Download is starting" in str(error):
                    continue
                raise
            if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
                continue
            for text in page.evaluate(VISIBLE_TEXT):
                if english(text):
                    found.setdefault(text[:100], f"{username} {url}")
            for href in page.eval_on_selector_all("a[href^='/admin/']", "els => els.map(e => e.getAttribute('href'))"):
                href = href.split("#")[0]
                if shape(href) not in shapes:
                    queue.append(href)
        context.close()
    assert not found, "English in the console:\n" + "\n".join(f"{text!r}  ({where})" for text, where in sorted(found.items()))
