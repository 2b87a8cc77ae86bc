"""The candidates' face (`/exam/`): plain Django views, no Wagtail chrome."""

from django.urls import path

from .views import exam

app_name = "exam"

urlpatterns = [
    path("", exam.entry, name="entry"),
    path("ticket/", exam.overview, name="overview"),
    path("start/", exam.start, name="start"),
    path("attempt/", exam.attempt_page, name="attempt"),
    path("attempt/save/", exam.save, name="save"),
    path("attempt/status/", exam.status, name="status"),
    path("result/", exam.result, name="result"),
    path("logout/", exam.logout, name="logout"),
]
