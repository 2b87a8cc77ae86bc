"""The inspection item list (抽查事项清单): creating, versioning, retiring and loading items."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from supervision.authorization import authorize
from supervision.versioned import content_errors_raise

from ..articles import ARTICLES
from ..models import FindingConsequence, InspectionItem, InspectionItemVersion, ItemStatus

STARTER_ITEMS = Path(__file__).resolve().parent.parent / "data" / "starter_items.csv"
FIELDS = ("title", "article", "content", "method", "consequence")


@dataclass(frozen=True)
class ItemContent:
    """Everything that makes one version of an item, before it is saved."""

    title: str
    article: str
    content: str
    method: str
    consequence: str = ""  # empty: the article's own (Art. 17 for Order 75, an order to correct otherwise)

    def normalised(self) -> ItemContent:
        article = self.article.strip()
        consequence = self.consequence.strip()
        if not consequence and article in ARTICLES:
            consequence = FindingConsequence.ART17 if ARTICLES[article][1] else FindingConsequence.CORRECT
        return ItemContent(title=" ".join(self.title.split()), article=article, content=self.content.strip(),
                           method=self.method.strip(), consequence=consequence)

    @classmethod
    def of(cls, version: InspectionItemVersion) -> ItemContent:
        return cls(**{name: getattr(version, name) for name in FIELDS})


def item_content_errors(content: ItemContent) -> list[tuple[str, str]]:
    """Every rule an item breaks, as (field, Chinese message); empty when it is sound."""
    c = content.normalised()
    errors: list[tuple[str, str]] = []
    if not c.title:
        errors.append(("title", _("抽查事项的名称为空。")))
    if not c.content:
        errors.append(("content", _("请填写检查内容。")))
    if not c.method:
        errors.append(("method", _("请填写检查方法。")))
    if c.article not in ARTICLES:
        errors.append(("article", _("“%(article)s”不是抽查事项清单可引用的条款。") % {"article": c.article}))
    elif c.consequence not in FindingConsequence.values:
        errors.append(("consequence", _("未知的检查发现处理方式。")))
    elif c.consequence == FindingConsequence.ART17 and not ARTICLES[c.article][1]:
        errors.append(("consequence", _("第十七条的警告仅适用于《规定》所设的义务。")))
    return errors


def _check(content: ItemContent) -> ItemContent:
    content_errors_raise(item_content_errors(content))
    return content.normalised()


def _new_version(item: InspectionItem, content: ItemContent, number: int, actor) -> InspectionItemVersion:
    return InspectionItemVersion.objects.create(
        item=item, number=number, created_by=actor if getattr(actor, "pk", None) else None,
        **{name: getattr(content, name) for name in FIELDS},
    )


@transaction.atomic
def item_create(*, actor, code: str, content: ItemContent, sort_order: int = 0) -> InspectionItem:
    authorize(actor, "items.change")
    content = _check(content)
    code = code.strip()
    if not code:
        raise ValidationError({"code": [_("抽查事项的编号为空。")]})
    if InspectionItem.objects.filter(code=code).exists():
        raise ValidationError({"code": [_("编号为“%(code)s”的抽查事项已存在。") % {"code": code}]})
    item = InspectionItem.objects.create(code=code, sort_order=sort_order)
    item.current_version = _new_version(item, content, 1, actor)
    item.save(update_fields=["current_version"])
    log(instance=item, action="wagtail.create", user=actor,
        data={"code": code, "version": 1, "title": content.title, "article": content.article})
    return item


@transaction.atomic
def item_update(*, actor, item: InspectionItem, content: ItemContent) -> InspectionItem:
    """Every change makes a new version: inspections keep the version they used."""
    authorize(actor, "items.change")
    content = _check(content)
    current = item.current_version
    old = ItemContent.of(current)
    if old == content:
        return item
    item.current_version = _new_version(item, content, current.number + 1, actor)
    item.save(update_fields=["current_version", "updated_at"])
    log(instance=item, action="wagtail.edit", user=actor, data={
        "version": {"old": current.number, "new": item.current_version.number},
        **{name: {"old": getattr(old, name), "new": getattr(content, name)}
           for name in FIELDS if getattr(old, name) != getattr(content, name)},
    })
    return item


@transaction.atomic
def item_set_status(*, actor, item: InspectionItem, status: str) -> InspectionItem:
    """Retire (no longer offered to new inspections) or activate again."""
    authorize(actor, "items.change")
    if status not in ItemStatus.values:
        raise ValidationError(_("未知的状态。"))
    if status == ItemStatus.ACTIVE:
        _check(ItemContent.of(item.current_version))
    old = item.status
    if old == status:
        return item
    item.status = status
    item.save(update_fields=["status", "updated_at"])
    log(instance=item, action="inspection.item_status", user=actor, data={"status": {"old": old, "new": status}})
    return item


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@transaction.atomic
def items_load(*, actor, path: Path = STARTER_ITEMS) -> tuple[int, int]:
    """Create the file's items that are missing (by code); items already there are left as they are
    (an approver's edits stand). All or nothing: one bad row and nothing is written.
    Returns (created, unchanged)."""
    rows = _rows(path)
    problems = []
    for number, row in enumerate(rows, start=2):
        content = ItemContent(**{name: row.get(name) or "" for name in FIELDS})
        problems += [_("第%(row)s行：%(message)s") % {"row": number, "message": m} for _f, m in item_content_errors(content)]
        if not (row.get("code") or "").strip():
            problems.append(_("第%(row)s行：%(message)s") % {"row": number, "message": _("抽查事项的编号为空。")})
    if problems:
        raise ValidationError(problems)
    existing = set(InspectionItem.objects.values_list("code", flat=True))
    created = 0
    for order, row in enumerate(rows, start=1):
        if row["code"].strip() in existing:
            continue
        item_create(actor=actor, code=row["code"], sort_order=order * 10,
                    content=ItemContent(**{name: row.get(name) or "" for name in FIELDS}))
        created += 1
    return created, len(rows) - created
