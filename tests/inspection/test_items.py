"""The inspection item list (抽查事项清单, issue 17): starter list, versions, retiring, who may edit."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import ModelLogEntry

from inspection.articles import ARTICLES
from inspection.models import FindingConsequence, InspectionItem, InspectionItemVersion, ItemStatus
from inspection.selectors import items_offered
from inspection.services.items import STARTER_ITEMS, ItemContent, item_create, item_set_status, item_update, items_load

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
ORDER_75_TEXT = "工业产品生产单位落实质量安全主体责任监督管理规定"


@pytest.fixture
def items(db):
    call_command("load_inspection_items", verbosity=0)
    return InspectionItem.objects.all()


def content(**overrides):
    values = dict(title="日管控", article="75-10", content="是否形成《每日工业产品质量安全检查记录》", method="抽查记录")
    values.update(overrides)
    return ItemContent(**values)


def _seed_articles():
    """The article headings of Order 75 as they stand in the seed (第三条 …), or None without the seeds."""
    files = list(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    text = "".join(f.read_text(encoding="utf-8") for f in files)
    return text or None


def test_the_starter_list_loads_every_item_citing_an_article_of_the_seeds(items):
    assert items.count() == 17
    offered = list(items_offered())
    assert len(offered) == 17
    seeds = _seed_articles()
    for item in offered:
        version = item.current_version
        assert version.number == 1 and version.article in ARTICLES and version.content and version.method
        basis = version.legal_basis
        assert basis.startswith("《")
        if seeds is not None:
            if ORDER_75_TEXT in basis:
                heading = re.search(r"第[一二三四五六七八九十]+条", basis).group(0)
                assert f"**{heading}**" in seeds, basis
            else:
                assert "国质检监联〔2010〕631号" in seeds
                point = basis.split("二（四）")[1][:1]
                assert f"{point}. **建立完善" in seeds
    # Order 75 duties carry Art. 17 (责令改正，给予警告); the 2010 guidance's only an order to correct.
    assert {i.current_version.consequence for i in offered if i.current_version.article.startswith("75-")} == {FindingConsequence.ART17}
    assert {i.current_version.consequence for i in offered if i.current_version.article.startswith("2010-")} == {FindingConsequence.CORRECT}
    # The enterprise duties a regulator checks from the 2010 guidance are there, with the two years.
    assert "不少于两年" in InspectionItem.objects.get(code="QS-17").current_version.legal_basis


def test_loading_twice_changes_nothing(items):
    before = list(InspectionItemVersion.objects.values_list("pk", "item_id", "number", "title"))
    logs = ModelLogEntry.objects.count()
    assert items_load(actor=None) == (0, 17)
    assert list(InspectionItemVersion.objects.values_list("pk", "item_id", "number", "title")) == before
    assert ModelLogEntry.objects.count() == logs


def test_loading_leaves_an_approvers_edit_standing(items, staff):
    item = InspectionItem.objects.get(code="QS-07")
    item_update(actor=staff.approver_a, item=item, content=content(title="日管控（改）"))
    items_load(actor=None)
    item.refresh_from_db()
    assert item.current_version.title == "日管控（改）" and item.current_version.number == 2


def test_a_bad_row_in_the_file_loads_nothing(db, tmp_path):
    bad = tmp_path / "items.csv"
    text = STARTER_ITEMS.read_text(encoding="utf-8-sig")
    bad.write_text(text + "QS-99,编造的事项,75-99,内容,方法,\n", encoding="utf-8")
    with pytest.raises(ValidationError) as error:
        items_load(actor=None, path=bad)
    assert "第19行" in error.value.messages[0] and "不是抽查事项清单可引用的条款" in error.value.messages[0]
    assert not InspectionItem.objects.exists()


def test_an_edit_makes_a_new_version_and_keeps_the_old(items, staff):
    item = InspectionItem.objects.get(code="QS-07")
    old = item.current_version
    item_update(actor=staff.approver_a, item=item, content=content(method="抽查近三个月的记录"))
    item.refresh_from_db()
    assert item.current_version.number == 2 and item.current_version.pk != old.pk
    old.refresh_from_db()
    assert old.number == 1 and old.method != "抽查近三个月的记录"
    assert item.current_version.created_by == staff.approver_a
    entry = ModelLogEntry.objects.filter(object_id=str(item.pk), action="wagtail.edit").get()
    assert entry.data["version"] == {"old": 1, "new": 2} and entry.data["method"]["new"] == "抽查近三个月的记录"
    # The same content again makes nothing.
    item_update(actor=staff.approver_a, item=item, content=content(method="抽查近三个月的记录"))
    assert item.versions.count() == 2


def test_a_retired_item_is_not_offered_and_comes_back_when_activated(items, staff):
    item = InspectionItem.objects.get(code="QS-12")
    item_set_status(actor=staff.admin_a, item=item, status=ItemStatus.RETIRED)
    assert item not in items_offered() and items_offered().count() == 16
    item_set_status(actor=staff.approver_a, item=item, status=ItemStatus.ACTIVE)
    assert item in items_offered()
    assert ModelLogEntry.objects.filter(object_id=str(item.pk), action="inspection.item_status").count() == 2


def test_items_offered_is_one_query(items, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len([i.current_version.title for i in items_offered()]) == 17


@pytest.mark.parametrize("who", ["operator_a", "overseer"])
def test_operators_and_overseers_cannot_change_the_list(items, staff, who):
    user = getattr(staff, who)
    item = InspectionItem.objects.get(code="QS-07")
    with pytest.raises(PermissionDenied):
        item_update(actor=user, item=item, content=content(title="改"))
    with pytest.raises(PermissionDenied):
        item_create(actor=user, code="QS-50", content=content())
    with pytest.raises(PermissionDenied):
        item_set_status(actor=user, item=item, status=ItemStatus.RETIRED)
    item.refresh_from_db()
    assert item.versions.count() == 1 and item.status == ItemStatus.ACTIVE and not InspectionItem.objects.filter(code="QS-50").exists()


@pytest.mark.parametrize("overrides, message", [
    ({"content": "  "}, "请填写检查内容。"),
    ({"method": ""}, "请填写检查方法。"),
    ({"title": ""}, "抽查事项的名称为空。"),
    ({"article": "75-99"}, "“75-99”不是抽查事项清单可引用的条款。"),
    ({"article": "2010-2.4.1", "consequence": "art17"}, "第十七条的警告仅适用于《规定》所设的义务。"),
])
def test_bad_input_is_refused_in_chinese_with_nothing_written(items, staff, overrides, message):
    item = InspectionItem.objects.get(code="QS-07")
    logs = ModelLogEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        item_update(actor=staff.approver_a, item=item, content=content(**overrides))
    assert message in error.value.messages
    with pytest.raises(ValidationError):
        item_create(actor=staff.approver_a, code="QS-50", content=content(**overrides))
    assert item.versions.count() == 1 and not InspectionItem.objects.filter(code="QS-50").exists()
    assert ModelLogEntry.objects.count() == logs


def test_a_code_is_unique(items, staff):
    with pytest.raises(ValidationError) as error:
        item_create(actor=staff.approver_a, code="QS-07", content=content())
    assert "编号为“QS-07”的抽查事项已存在。" in error.value.messages


# The console.

def form_data(**overrides):
    data = {"code": "QS-50", "title": "质量安全总监职责", "article": "75-3", "content": "是否制定《质量安全总监职责》",
            "method": "查阅文件", "consequence": ""}
    data.update(overrides)
    return data


def test_the_list_filters_by_article_and_searches(items, staff, client_for):
    client = client_for(staff.overseer)
    page = client.get(reverse("inspection_items:index"), {"article": "75-10"}).content.decode()
    assert "日管控" in page and "周排查" not in page
    page = client.get(reverse("inspection_items:index"), {"q": "销售台账"}).content.decode()
    assert "产品质量追溯和销售台账" in page and "日管控" not in page
    item = InspectionItem.objects.get(code="QS-07")
    page = client.get(reverse("inspection_items:inspect", args=[item.pk])).content.decode()
    assert "《工业产品生产单位落实质量安全主体责任监督管理规定》第十条" in page


def test_the_approver_adds_and_edits_through_the_console(items, staff, client_for):
    client = client_for(staff.approver_a)
    response = client.post(reverse("inspection_items:add"), form_data(content=""))
    assert response.status_code == 200 and not InspectionItem.objects.filter(code="QS-50").exists()
    response = client.post(reverse("inspection_items:add"), form_data())
    assert response.status_code == 302, response.content.decode()[:800]
    item = InspectionItem.objects.get(code="QS-50")
    assert item.current_version.consequence == FindingConsequence.ART17
    response = client.post(reverse("inspection_items:edit", args=[item.pk]), form_data(method="查阅文件并询问"))
    assert response.status_code == 302, response.content.decode()[:800]
    item.refresh_from_db()
    assert item.current_version.number == 2 and item.code == "QS-50"
    page = client.get(reverse("inspection_items:inspect", args=[item.pk])).content.decode()
    assert "查阅文件并询问" in page
    response = client.post(reverse("inspection_items:status", args=[item.pk, "retired"]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.RETIRED


@pytest.mark.parametrize("who", ["operator_a", "overseer"])
def test_operators_and_overseers_read_but_cannot_edit_in_the_console(items, staff, client_for, who):
    client = client_for(getattr(staff, who))
    item = InspectionItem.objects.get(code="QS-07")
    assert client.get(reverse("inspection_items:index")).status_code == 200
    assert client.get(reverse("inspection_items:inspect", args=[item.pk])).status_code == 200
    assert client.get(reverse("inspection_items:edit", args=[item.pk])).status_code in (302, 403)
    assert client.post(reverse("inspection_items:edit", args=[item.pk]), form_data(title="改")).status_code in (302, 403)
    assert client.post(reverse("inspection_items:add"), form_data()).status_code in (302, 403)
    assert client.post(reverse("inspection_items:status", args=[item.pk, "retired"])).status_code == 404
    item.refresh_from_db()
    assert item.versions.count() == 1 and item.status == ItemStatus.ACTIVE
    assert not InspectionItem.objects.filter(code="QS-50").exists()
