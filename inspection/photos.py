"""An inspection photo checked by what it contains (supervision/files.py sniffs the first bytes;
Pillow then decodes the whole image), never by its name: JPEG, PNG or WebP, at most
settings.INSPECTION_PHOTO_MAX_BYTES, no larger than the image pixel limit the console's images have."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from supervision.files import KINDS, sniff_file

# The kind supervision.files sniffs -> the format Pillow must find when it decodes the file.
PHOTO_FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}


@dataclass(frozen=True)
class PhotoFacts:
    kind: str
    content_type: str
    sha256: str
    size: int
    width: int
    height: int


def _refused() -> ValidationError:
    return ValidationError(_("Only JPEG, PNG or WebP photos are accepted (checked by their content, not their name)."))


def photo_checked(upload) -> PhotoFacts:
    """What the stored row keeps about a photo, or a Chinese ValidationError."""
    limit = settings.INSPECTION_PHOTO_MAX_BYTES
    if not upload.size:
        raise ValidationError(_("The photo is empty."))
    if upload.size > limit:
        raise ValidationError(_("The photo is larger than %(mb)s MB.") % {"mb": round(limit / (1024 * 1024), 1)})
    kind = sniff_file(upload)
    if kind not in PHOTO_FORMATS:
        raise _refused()
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.format != PHOTO_FORMATS[kind]:
                raise _refused()
            width, height = image.size
            if width * height > settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS:
                raise ValidationError(_("The photo has too many pixels."))
            image.load()  # decodes every pixel: a truncated or corrupt file fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("The photo is damaged and cannot be read.")) from None
    finally:
        upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return PhotoFacts(kind=kind, content_type=KINDS[kind][0], sha256=digest.hexdigest(), size=upload.size, width=width, height=height)
