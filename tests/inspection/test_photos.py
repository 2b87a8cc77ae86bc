"""An inspection's photos (issue 17): checked by content, size and count, stored with their hash,
the same photo twice is one row, a bad file changes nothing, and a photo is served only through a
view in the viewer's scope."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from wagtail.models import ModelLogEntry

from inspection.models import InspectionPhoto, InspectionStatus
from inspection.services import records

pytestmark = pytest.mark.django_db


def image_bytes(fmt="JPEG", size=(40, 30), colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, fmt)
    return buffer.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def add(inspection, user, data, **kwargs):
    return records.photo_add(actor=user, inspection=inspection, upload=upload(data, **kwargs), client_id=uuid.uuid4())


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_photo_is_stored_with_its_hash_and_size(inspection, inspectors, fmt):
    data = image_bytes(fmt, size=(64, 48))
    photo, created = add(inspection, inspectors[0].user, data, name="IMG_0001.HEIC")
    assert created and photo.width == 64 and photo.height == 48 and photo.size == len(data)
    import hashlib

    assert photo.sha256 == hashlib.sha256(data).hexdigest() and photo.content_type == f"image/{fmt.lower()}"
    assert not photo.file.name.endswith(".HEIC")
    assert ModelLogEntry.objects.filter(action="inspection.photo").get().data["photo"]["new"] == photo.sha256
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.IN_PROGRESS


def test_the_same_photo_twice_is_one_row(inspection, inspectors):
    data = image_bytes()
    client_id = uuid.uuid4()
    first, _ = records.photo_add(actor=inspectors[0].user, inspection=inspection, upload=upload(data), client_id=client_id)
    again, created = records.photo_add(actor=inspectors[0].user, inspection=inspection, upload=upload(data), client_id=client_id)
    assert not created and again.pk == first.pk
    other, created = records.photo_add(actor=inspectors[1].user, inspection=inspection, upload=upload(data), client_id=uuid.uuid4())
    assert not created and other.pk == first.pk  # the same bytes from the other phone
    assert InspectionPhoto.objects.count() == 1


@pytest.mark.parametrize(("data", "message"), [
    (b"this is a text file, not a photo\n", "只接受JPEG、PNG或WebP格式的照片（按文件内容检查，而非文件名）。"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "只接受JPEG、PNG或WebP格式的照片（按文件内容检查，而非文件名）。"),
    (b"%PDF-1.4\n%%EOF", "只接受JPEG、PNG或WebP格式的照片（按文件内容检查，而非文件名）。"),
    (image_bytes()[:200], "照片文件已损坏，无法读取。"),  # a JPEG cut short
    (b"\xff\xd8\xff\xe0" + b"\x00" * 300, "照片文件已损坏，无法读取。"),  # JPEG magic, no image
    (b"", "照片文件为空。"),
])
def test_a_bad_file_gets_a_chinese_error_and_nothing_is_written(inspection, inspectors, data, message):
    with pytest.raises(ValidationError) as refused:
        add(inspection, inspectors[0].user, data)
    assert refused.value.messages == [message]
    assert not InspectionPhoto.objects.exists() and not ModelLogEntry.objects.filter(action="inspection.photo").exists()
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.ASSIGNED


def test_a_photo_too_big_is_refused(inspection, inspectors, settings):
    settings.INSPECTION_PHOTO_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as refused:
        add(inspection, inspectors[0].user, image_bytes("PNG", size=(300, 300)) + b"\x00" * 1000)
    assert "照片大于" in refused.value.messages[0]
    assert not InspectionPhoto.objects.exists()


def test_the_21st_photo_is_refused(inspection, inspectors, settings):
    assert settings.INSPECTION_PHOTOS_MAX == 20
    for i in range(20):
        add(inspection, inspectors[0].user, image_bytes(colour=(i * 10, 0, 0)))
    with pytest.raises(ValidationError) as refused:
        add(inspection, inspectors[0].user, image_bytes(colour=(255, 255, 0)))
    assert refused.value.messages == ["每次检查最多保存20张照片。"]
    assert InspectionPhoto.objects.count() == 20


def test_only_the_drawn_inspectors_add_photos(inspection, staff):
    with pytest.raises(PermissionDenied):
        add(inspection, staff.operator_a, image_bytes())
    assert not InspectionPhoto.objects.exists()


def test_the_upload_view_answers_in_chinese_and_the_photo_view_is_scoped(inspection, inspectors, staff, client_for):
    phone = client_for(inspectors[0].user)
    url = reverse("inspection:photo_upload", args=[inspection.pk])
    bad = phone.post(url, {"photo": upload(b"not an image", name="evil.jpg"), "client_id": str(uuid.uuid4())})
    assert bad.status_code == 400 and "按文件内容检查" in bad.json()["error"]
    check = inspection.checks.first()
    good = phone.post(url, {"photo": upload(image_bytes()), "client_id": str(uuid.uuid4()), "check": check.pk})
    assert good.status_code == 200 and good.json()["created"]
    photo = InspectionPhoto.objects.get()
    assert photo.item_check == check and good.json()["url"] == reverse("inspection:photo", args=[photo.pk])
    served = client_for(staff.operator_a).get(reverse("inspection:photo", args=[photo.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg" and served["X-Content-Type-Options"] == "nosniff"
    assert client_for(staff.overseer).get(reverse("inspection:photo", args=[photo.pk])).status_code == 200
    assert client_for(staff.operator_b).get(reverse("inspection:photo", args=[photo.pk])).status_code == 404
    from django.test import Client

    assert Client().get(reverse("inspection:photo", args=[photo.pk])).status_code == 302  # to the login
    assert photo.file.url.startswith("/media/")  # a storage URL exists, but nothing serves /media/inspection/
    assert Client().get(photo.file.url).status_code == 404
