"""Images and documents per bureau (issue 15): one Wagtail collection per bureau, its groups'
collection permissions on it only, uploads land there, listings and choosers show only the
bureau's own, another county's image or document is a 404, and a document is public only once a
live page links to it."""

import json
from datetime import date

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, GroupCollectionPermission

from cms.models import BureauCollection, BureauPage, NoticePage
from supervision.roles import roles_sync

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _collection(jurisdiction):
    return BureauCollection.objects.get(jurisdiction=jurisdiction).collection


def _png(name="photo.png", **kwargs):
    return SimpleUploadedFile(name, get_test_image_file(name, **kwargs).file.getvalue(), content_type="image/png")


def _image(collection, title, user=None):
    return Image.objects.create(title=title, file=get_test_image_file(), collection=collection, uploaded_by_user=user)


def _document(collection, title, user=None):
    return Document.objects.create(title=title, file=SimpleUploadedFile("notice.pdf", PDF), collection=collection, uploaded_by_user=user)


@pytest.fixture
def media(staff, tree):
    return {
        "image_a": _image(_collection(tree.county_a), "余杭区现场照片", staff.operator_a),
        "doc_a": _document(_collection(tree.county_a), "余杭区考核通知附件", staff.operator_a),
        "image_b": _image(_collection(tree.county_b), "临平区现场照片", staff.operator_b),
        "doc_b": _document(_collection(tree.county_b), "临平区考核通知附件", staff.operator_b),
        "image_root": _image(Collection.get_first_root_node(), "平台图片"),
    }


def test_each_bureau_has_its_collection_with_its_groups_permissions(staff, tree):
    editors, _ = Group.objects.get_or_create(name="Editors")  # Wagtail's initial group, on the root collection
    GroupCollectionPermission.objects.create(group=editors, collection=Collection.get_first_root_node(),
                                             permission=Permission.objects.get(codename="add_image"))
    roles_sync()
    roles_sync()  # idempotent
    a, b, city = _collection(tree.county_a), _collection(tree.county_b), _collection(tree.city)
    assert a.get_parent() == Collection.get_first_root_node() and a.name == "余杭区（330110）"

    def grants(group_name):
        return {(g.collection_id, g.permission.codename) for g in GroupCollectionPermission.objects.filter(group__name=group_name)}

    own = {"add_image", "choose_image", "add_document", "choose_document"}
    assert grants("经办人·330110") == {(a.pk, c) for c in own}
    assert grants("审核人·330113") == {(b.pk, c) for c in own}
    assert grants("管理员·330110") == {(a.pk, c) for c in own | {"change_image", "change_document"}}
    assert grants("上级监督·330100") == set()
    assert {c for c, _ in grants("经办人·330100")} == {a.pk, b.pk, city.pk}  # the city's reach the counties below
    assert not GroupCollectionPermission.objects.filter(collection=Collection.get_first_root_node()).exists()  # Editors' gone
    assert not GroupCollectionPermission.objects.filter(permission__codename__startswith="delete_").exists()


def test_operator_uploads_into_the_own_bureau_s_collection_only(staff, tree, client_for):
    client = client_for(staff.operator_a)
    form = client.get("/admin/images/add/").content.decode()
    assert "临平区（330113）" not in form  # one collection to upload into: Wagtail shows no choice at all
    response = client.post("/admin/images/add/", {"title": "余杭区通知配图", "file": _png("photo.png"),
                                                  "collection": _collection(tree.county_a).pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Image.objects.get(title="余杭区通知配图").collection == _collection(tree.county_a)
    # Another bureau's collection (or the root) is not a choice: Wagtail's form has no collection
    # field for one permitted collection, so a forged one is ignored and the image stays at home.
    for collection in (_collection(tree.county_b), Collection.get_first_root_node()):
        client.post("/admin/images/add/", {"title": f"越界{collection.pk}", "file": _png("x.png"), "collection": collection.pk})
    assert {i.collection for i in Image.objects.filter(title__startswith="越界")} <= {_collection(tree.county_a)}
    response = client.post("/admin/documents/add/", {"title": "余杭区通知附件", "file": SimpleUploadedFile("a.pdf", PDF),
                                                     "collection": _collection(tree.county_a).pk})
    assert response.status_code == 302
    assert Document.objects.get(title="余杭区通知附件").collection == _collection(tree.county_a)


def test_listings_and_choosers_show_only_the_own_bureau_s(staff, media, client_for):
    client = client_for(staff.operator_a)
    for url in ("/admin/images/", "/admin/images/chooser/", "/admin/documents/", "/admin/documents/chooser/"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        if response["Content-Type"].startswith("application/json"):
            body = json.loads(body)["html"]
        assert "余杭区" in body, url
        assert "临平区现场照片" not in body and "临平区考核通知附件" not in body and "平台图片" not in body, url


def test_another_county_s_image_and_document_are_404(staff, media, client_for):
    client = client_for(staff.operator_b)
    image, doc = media["image_a"].pk, media["doc_a"].pk
    for url in (f"/admin/images/{image}/", f"/admin/images/{image}/delete/", f"/admin/images/usage/{image}/",
                f"/admin/images/{image}/preview/original/", f"/admin/images/{image}/generate_url/",
                f"/admin/images/chooser/chosen/{image}/", f"/admin/images/chooser/{image}/select_format/",
                f"/admin/images/chooser/chosen-multiple/?id={image}", f"/admin/images/multiple/{image}/",
                f"/admin/documents/edit/{doc}/", f"/admin/documents/delete/{doc}/", f"/admin/documents/usage/{doc}/",
                f"/admin/documents/chooser/chosen/{doc}/", f"/admin/documents/multiple/{doc}/",
                f"/admin/images/{media['image_root'].pk}/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/admin/images/{image}/delete/").status_code == 404
    assert client.post(f"/admin/documents/delete/{doc}/").status_code == 404
    assert Image.objects.filter(pk=image).exists() and Document.objects.filter(pk=doc).exists()
    # The own bureau's are reachable.
    own = client_for(staff.operator_a)
    assert own.get(f"/admin/images/chooser/chosen/{image}/").status_code == 200
    assert own.get(f"/admin/documents/usage/{doc}/").status_code == 200


def test_only_the_uploader_or_the_bureau_admin_changes_or_deletes(staff, tree, client_for):
    from tests.factories import ROLES, make_staff

    colleague = make_staff("op-a2", ROLES.OPERATOR, tree.county_a).user
    image = _image(_collection(tree.county_a), "余杭区同事照片", colleague)
    operator = client_for(staff.operator_a)
    assert operator.get(f"/admin/images/{image.pk}/").status_code == 302  # Wagtail's refusal: chooses it, may not edit it
    assert operator.post(f"/admin/images/{image.pk}/delete/").status_code == 302
    assert Image.objects.filter(pk=image.pk).exists()
    assert client_for(colleague).get(f"/admin/images/{image.pk}/").status_code == 200
    assert client_for(staff.admin_a).post(f"/admin/images/{image.pk}/delete/").status_code == 302
    assert not Image.objects.filter(pk=image.pk).exists()


@pytest.mark.parametrize(("name", "content", "ok"), [
    ("notice.pdf", PDF, True), ("table.xlsx", b"PK\x03\x04", True), ("list.csv", "名称\n甲".encode(), True),
    ("evil.html", b"<script>alert(1)</script>", False), ("bundle.zip", b"PK\x03\x04", False), ("run.py", b"print(1)", False),
    ("photo.svg", b"<svg/>", False), ("old.doc", b"\xd0\xcf\x11\xe0", False),
])
def test_document_types_are_restricted(staff, tree, client_for, name, content, ok):
    response = client_for(staff.operator_a).post("/admin/documents/add/", {
        "title": name, "file": SimpleUploadedFile(name, content), "collection": _collection(tree.county_a).pk})
    assert Document.objects.filter(title=name).exists() is ok
    assert response.status_code == (302 if ok else 200)


@pytest.mark.parametrize(("maker", "ok"), [("png", True), ("svg", False), ("gif", False)])
def test_image_formats_are_restricted(staff, tree, client_for, maker, ok):
    from wagtail.images.tests import utils

    upload = _png("p.png") if maker == "png" else (
        utils.get_test_image_file_svg() if maker == "svg" else SimpleUploadedFile("p.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"))
    client_for(staff.operator_a).post("/admin/images/add/", {"title": f"图{maker}", "file": upload, "collection": _collection(tree.county_a).pk})
    assert Image.objects.filter(title=f"图{maker}").exists() is ok


def test_upload_size_limits_hold_at_the_boundary(staff, tree, client_for):
    client = client_for(staff.operator_a)
    collection = _collection(tree.county_a).pk
    with override_settings(WAGTAILDOCS_MAX_UPLOAD_SIZE=len(PDF)):
        client.post("/admin/documents/add/", {"title": "刚好", "file": SimpleUploadedFile("a.pdf", PDF), "collection": collection})
        response = client.post("/admin/documents/add/", {"title": "超过", "file": SimpleUploadedFile("b.pdf", PDF + b" "), "collection": collection})
    assert Document.objects.filter(title="刚好").exists() and not Document.objects.filter(title="超过").exists()
    assert response.status_code == 200
    image = _png("big.png", size=(200, 100))
    with override_settings(WAGTAILIMAGES_MAX_IMAGE_PIXELS=200 * 100 - 1):
        client.post("/admin/images/add/", {"title": "像素过多", "file": image, "collection": collection})
    assert not Image.objects.filter(title="像素过多").exists()


def test_a_document_is_public_once_a_live_page_links_it(staff, tree, client, client_for, settings, tmp_path):
    # Wagtail serves a document from its storage's path: a real directory here, as in production.
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    settings.MEDIA_ROOT = tmp_path
    doc = _document(_collection(tree.county_a), "余杭区考核通知附件", staff.operator_a)
    url = doc.url
    assert url == f"/documents/{doc.pk}/notice.pdf" or url.startswith(f"/documents/{doc.pk}/")
    assert client.get(url).status_code == 404  # not linked from any page yet
    assert client_for(staff.operator_b).get(url).status_code == 404  # another county's draft attachment
    assert client_for(staff.operator_a).get(url).status_code == 200  # its bureau's staff
    bureau = BureauPage.objects.get(jurisdiction=tree.county_a)
    body = f'<p>见<a linktype="document" id="{doc.pk}">附件</a></p>'
    draft = bureau.add_child(instance=NoticePage(title="余杭区附件通知", slug="with-doc", date=date(2026, 12, 1), body=body, live=False))
    draft.save_revision()
    assert client.get(url).status_code == 404  # a draft links it: still not public
    draft.get_latest_revision().publish()
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"


def test_existing_images_and_documents_move_to_the_bureau_whose_pages_use_them(staff, tree):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("cms.migrations.0007_bureau_collections")
    root = Collection.get_first_root_node()
    used = _image(root, "余杭区旧图")
    shared = _image(root, "两区共用旧图")
    unused = _document(root, "未使用的旧文档")
    linked_doc = _document(root, "余杭区旧附件")
    bureau_a = BureauPage.objects.get(jurisdiction=tree.county_a)
    bureau_b = BureauPage.objects.get(jurisdiction=tree.county_b)
    for bureau, slug, images in ((bureau_a, "old-a", [used, shared]), (bureau_b, "old-b", [shared])):
        body = "".join(f'<embed embedtype="image" id="{i.pk}" format="fullwidth" alt=""/>' for i in images)
        if bureau is bureau_a:
            body += f'<p><a linktype="document" id="{linked_doc.pk}">附件</a></p>'
        page = bureau.add_child(instance=NoticePage(title=slug, slug=slug, date=date(2026, 12, 1), body=body))
        page.save_revision().publish()
    BureauCollection.objects.all().delete()  # as before the migration
    migration.forwards(apps, None)
    a = BureauCollection.objects.get(jurisdiction=tree.county_a).collection
    assert a.get_parent() == root and a.name == "余杭区（330110）"
    assert Image.objects.get(pk=used.pk).collection == a
    assert Document.objects.get(pk=linked_doc.pk).collection == a
    assert Image.objects.get(pk=shared.pk).collection == root and Document.objects.get(pk=unused.pk).collection == root
    assert all(not problems for problems in Collection.find_problems())  # the tree the migration wrote is sound
