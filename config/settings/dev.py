"""Local development and the demo site (`make run`): SQLite unless DATABASE_URL says otherwise."""

import os

from .base import *  # noqa: F403

DEBUG = os.environ.get("DEBUG", "1") == "1"
# A fixed key is acceptable only here: the demo holds nothing real. Production reads SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret-0c4e9b7a1f")
FIELD_ENCRYPTION_KEY = os.environ.get(
    "FIELD_ENCRYPTION_KEY", "ZGV2LW9ubHktbm90LXNlY3JldC1rZXktMzJieXRlcyE="
)

# The demo's footer, marked as a demo: a deployment sets its own (SITE_SPONSOR and the rest, base.py).
DEMO_FOOTER = {
    "sponsor": "杭州市余杭区市场监督管理局（演示）", "contact": "0571-12315（演示）", "icp": "浙ICP备00000000号（演示）",
    "psb": "浙公网安备 33011000000000号（演示）", "identifier": "0000000000（演示）",
}
SITE_FOOTER = {key: SITE_FOOTER[key] or DEMO_FOOTER[key] for key in SITE_FOOTER}  # noqa: F405
