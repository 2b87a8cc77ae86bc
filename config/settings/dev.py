"""Local development and the demo site (`make run`): SQLite unless DATABASE_URL says otherwise."""

import os

from .base import *  # noqa: F403

DEBUG = os.environ.get("DEBUG", "1") == "1"
# A fixed key is acceptable only here: the demo holds nothing real. Production reads SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret-0c4e9b7a1f")
FIELD_ENCRYPTION_KEY = os.environ.get(
    "FIELD_ENCRYPTION_KEY", "ZGV2LW9ubHktbm90LXNlY3JldC1rZXktMzJieXRlcyE="
)
