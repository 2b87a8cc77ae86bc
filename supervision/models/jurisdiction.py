from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class JurisdictionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")


class Jurisdiction(MP_Node):
    """行政区划: a province, city or county, keyed by its GB/T 2260 code.

    A materialised-path tree, so "this bureau and everything below it" is one
    `path__startswith` filter (see `supervision.scoping`)."""

    code = models.CharField(_("Division code"), max_length=6, unique=True)
    name = models.CharField(_("Name of division"), max_length=64)
    level = models.CharField(_("Level"), max_length=8, choices=JurisdictionLevel.choices)

    node_order_by = ["code"]
    # Scoping: a jurisdiction belongs to the subtree it heads.
    scope_path_lookup = "path"

    class Meta:
        verbose_name = _("Jurisdictions")
        verbose_name_plural = _("Jurisdictions")
        ordering = ["path"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def is_county(self) -> bool:
        return self.level == JurisdictionLevel.COUNTY


def level_for_code(code: str) -> str:
    """GB/T 2260: XX0000 is a province, XXXX00 a prefecture-level city, anything else a county."""
    if code.endswith("0000"):
        return JurisdictionLevel.PROVINCE
    if code.endswith("00"):
        return JurisdictionLevel.CITY
    return JurisdictionLevel.COUNTY
