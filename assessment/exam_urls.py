"""The candidates' face (`/exam/`): plain Django views, no Wagtail chrome."""

from django.urls import path

from .views import exam

app_name = "exam"

urlpatterns = [
    path("", exam.entry, name="entry"),
]
