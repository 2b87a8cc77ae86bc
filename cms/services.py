"""Public-site set-up that must hold on every database: one home page, the default site on it."""

from django.conf import settings
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from .models import HomePage

HOME_TITLE = "工业产品质量安全监管信息公开"


@transaction.atomic
def home_page_ensure() -> HomePage:
    """The home page, created under the tree's root if missing (the migration creates it; a
    flushed test database or a hand-deleted page does not have it)."""
    home = HomePage.objects.first()
    if home is None:
        Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
        root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
        home = root.add_child(instance=HomePage(title=HOME_TITLE, slug="home", intro=""))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="质量安全监管")
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save(update_fields=["root_page"])
    return home
