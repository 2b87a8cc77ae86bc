from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("exam/", include("assessment.exam_urls")),
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
