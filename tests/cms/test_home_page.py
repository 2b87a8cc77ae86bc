import pytest
from wagtail.models import Page, Site

from cms.models import HomePage
from cms.services import home_page_ensure


@pytest.mark.django_db
def test_migrations_leave_one_home_page_as_the_default_site_root():
    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert home_page_ensure().pk == home.pk
    assert HomePage.objects.count() == 1


@pytest.mark.django_db
def test_home_page_is_recreated_on_an_empty_tree(client):
    Site.objects.all().delete()
    Page.objects.filter(depth__gte=2).delete()
    home = home_page_ensure()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert client.get("/").status_code == 200
