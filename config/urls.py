from django.conf import settings
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.views import page_chooser_search_view

urlpatterns = [
    # Wagtail's page chooser search, scoped to the user's bureau and matching Chinese substrings
    # (cms/views.py); at Wagtail's own address, so its choosers call it.
    path("admin/choose-page/search/", page_chooser_search_view, name="cms_choose_page_search"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("exam/", include("assessment.exam_urls")),
    # The messages of static/js (locale/zh_Hans/LC_MESSAGES/djangojs.po): the same for everyone of a
    # language, so kept for a day by the browser (one request per exam device and day).
    path(
        "jsi18n/",
        cache_control(public=True, max_age=86400)(JavaScriptCatalog.as_view()),
        name="javascript-catalog",
    ),
]

# Uploaded evidence is never served from /media/: it goes through orders:evidence_file, which
# checks the jurisdiction and types the file by its content. In development only Wagtail's public
# images are served from there (production's web server serves those two folders alone).
if settings.DEBUG:
    from django.conf.urls.static import static

    for folder in ("images", "original_images"):
        urlpatterns += static(f"{settings.MEDIA_URL}{folder}/", document_root=settings.MEDIA_ROOT / folder)

# Wagtail's page serving last: it answers every path the public site has.
urlpatterns.append(path("", include(wagtail_urls)))
