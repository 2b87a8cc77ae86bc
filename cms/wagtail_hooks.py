from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .views import publish_results_view, refresh_rectification_view


@hooks.register("register_admin_urls")
def register_publish_url():
    return [
        path("publish-results/<int:plan_pk>/", publish_results_view, name="cms_publish_results"),
        path("publish-results/<int:plan_pk>/rectification/", refresh_rectification_view, name="cms_refresh_rectification"),
    ]


@hooks.register("register_log_actions")
def register_cms_log_actions(actions):
    actions.register_action("assessment.results_publish", _("Publish results"), _("Drafted the results page for approval"))
