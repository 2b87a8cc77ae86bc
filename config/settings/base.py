"""Settings shared by every environment. Everything that differs between machines comes from the
environment: DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS, FIELD_ENCRYPTION_KEY."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import plotly
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "supervision",
    "assessment",
    "inspection",
    "cms",
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "import_export",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

# No LocaleMiddleware: the public site and the exam are always in Chinese (LANGUAGE_CODE); staff
# may pick English in their Wagtail account preferences.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below; config/middleware.py).
    "config.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Second factor for staff (config/two_factor.py): django-otp marks the verified, ours sends
    # the console's users who must give it to the verify or set-up page.
    "django_otp.middleware.OTPMiddleware",
    "config.two_factor.TwoFactorMiddleware",
    "config.middleware.SecurityLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Wagtail's site-wide reports, admin API and form lists: platform admins only (cms/admin_access.py).
    "cms.admin_access.PlatformAdminOnlyMiddleware",
    # Another bureau's pages: a 404 before any Wagtail page view names them (cms/admin_access.py).
    "cms.admin_access.BureauPagesMiddleware",
    # Last, as django-axes asks: it turns a lock-out into its response.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp 4.x), enforced in every environment, tests included, so that a
# browser test fails on any violation (tests/browser/conftest.py). Everything comes from our own
# origin: no CDN, no external font, no inline script, no inline style. README, Security → Headers.
# - Scripts: 'self' only, no 'unsafe-inline', no 'unsafe-eval', in the admin too. Wagtail 8 still
#   writes inline <script>s for its date/time pickers, InlinePanel and chooser widgets: our templates
#   in cms/templates/wagtailadmin/ and cms/csp.py write data in their place, which
#   static/js/wagtail-csp.js passes to the same functions.
# - plotly.js writes its stylesheet into <style> elements unless the page already has them:
#   templates/includes/plotly_assets.html links static/css/plotly.css instead (config/plotly_css.py).
# - img-src data: blob:: the favicon (data:,) and the admin's data: images; blob: for the previews of
#   images chosen for upload in Wagtail's image forms.
# - frame-src 'self': the page editor's preview panel is an iframe of our own preview view; that view
#   (and only it) says X-Frame-Options SAMEORIGIN, and then frame-ancestors is 'self' instead of
#   'none' (config/middleware.py). Everything else may not be framed at all.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
# Wagtail's admin only (/admin/; config/middleware.py): its rich text editor (Draftail) draws the
# placeholders of empty blocks ("标题2" …) and the numbering of nested lists with <style> elements it
# writes at run time, whose text follows the user's language, so no hash fits them. <style> elements
# are allowed there; style="" attributes stay refused (style-src-attr falls back to style-src 'self'),
# and the public site and the exam keep style-src 'self' alone.
CONTENT_SECURITY_POLICY_ADMIN = {
    "style-src-elem": ["'self'", "'unsafe-inline'"],
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# SQLite is the embedded default; PostgreSQL (production) when DATABASE_URL is set.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and os.environ.get("DB_PREPARED_STATEMENTS", "1") == "1":
    # Server-side parameters, and statements prepared after their fifth run on a connection: the
    # exam's hot statements are planned once per connection, not on every save (bench/exam_load.py).
    # Behind PgBouncer in transaction pooling mode set DB_PREPARED_STATEMENTS=0.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Local memory by default; Redis (Django's own backend) when REDIS_URL is set.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work (large imports, grading, statistics) through the django-tasks API,
# with the database backend embedded; run `manage.py db_worker` beside the web process.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The periodic commands and their intervals in seconds. `manage.py run_periodic` (config/periodic.py)
# runs each when it falls due, one after another in one process; `make run` starts it beside the web
# server. A deployment runs it as one more service, or replaces it with the cron lines in the README.
PERIODIC_COMMANDS = [
    # Submits attempts past their deadline, marks absentees, erases kept access codes (Art. 15 exams).
    ("exam_housekeeping", 60),
    # Wagtail's scheduled publishing: pages approved with a go-live or expiry time.
    ("publish_scheduled", 60),
    # Orders to correct past their deadline become overdue (Art. 17), logged as the system actor.
    ("mark_overdue_orders", 24 * 3600),
    # Orders open for long become credit events, and every unit's credit class is recomputed (#18).
    ("credit_recompute", 24 * 3600),
]

# Django's database sessions with a lighter read (config/sessions.py).
SESSION_ENGINE = "config.sessions"
# Staff sessions end after a working day, after 30 minutes idle (config/middleware.py), when the
# browser closes, and on a password change (Django's session auth hash). The exam sets its own expiry.
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
STAFF_SESSION_MAX_SECONDS = 8 * 3600
STAFF_SESSION_IDLE_SECONDS = 30 * 60

AUTHENTICATION_BACKENDS = [
    # Refuses (never authenticates) logins from a spraying address or too soon after many
    # failures for one username (config/staff_login.py); then axes's username + address lock.
    "config.staff_login.StaffLoginGuard",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"

# The proxies whose X-Forwarded-For is believed (addresses or networks, comma separated): the
# client address is read from that header only for requests that come from one of them.
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()]

# Exam logins: a ticket is locked after this many wrong access codes (that ticket only, whatever
# address they came from); an address is refused after many more failures in the window, which a
# room of candidates behind one router does not reach but a script trying many tickets does.
EXAM_LOGIN_TICKET_FAILURES = int(os.environ.get("EXAM_LOGIN_TICKET_FAILURES", "5"))
EXAM_LOGIN_ADDRESS_FAILURES = int(os.environ.get("EXAM_LOGIN_ADDRESS_FAILURES", "300"))
EXAM_LOGIN_LOCK_SECONDS = int(os.environ.get("EXAM_LOGIN_LOCK_SECONDS", str(15 * 60)))

# Staff logins. django-axes locks a username + client address after 5 wrong passwords for 15
# minutes (a stranger elsewhere cannot lock the real user out); config/staff_login.py adds a
# higher per-address limit, a password-spraying limit and a per-username delay, counted from
# axes's failure log in the database (shared by every process).
AXES_CLIENT_IP_CALLABLE = "config.client_address.client_address"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# A try refused during a lock-out (axes's or the guard's) is not a new failure: it neither extends
# the lock nor the per-username delay.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Two factors (TOTP, django-otp): required for approvers, bureau admins and platform admins when
# STAFF_2FA_REQUIRED is on (production's default; off in the demo so its printed logins work as
# they are); for operators too with STAFF_2FA_OPERATORS. Anyone may enrol at /admin/2fa/setup/.
STAFF_2FA_REQUIRED = os.environ.get("STAFF_2FA_REQUIRED", "0") == "1"
STAFF_2FA_OPERATORS = os.environ.get("STAFF_2FA_OPERATORS", "0") == "1"
OTP_TOTP_ISSUER = "质量安全监管平台"
STAFF_LOGIN_WINDOW_SECONDS = int(os.environ.get("STAFF_LOGIN_WINDOW_SECONDS", "3600"))
STAFF_LOGIN_ADDRESS_FAILURES = int(os.environ.get("STAFF_LOGIN_ADDRESS_FAILURES", "30"))
STAFF_LOGIN_SPRAY_USERNAMES = int(os.environ.get("STAFF_LOGIN_SPRAY_USERNAMES", "6"))
STAFF_LOGIN_USERNAME_FAILURES = int(os.environ.get("STAFF_LOGIN_USERNAME_FAILURES", "10"))
STAFF_LOGIN_MAX_DELAY_SECONDS = int(os.environ.get("STAFF_LOGIN_MAX_DELAY_SECONDS", "300"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Ours first, then the Chinese of the Wagtail strings its own zh_Hans catalogues lack (locale_upstream/,
# kept by hand: makemessages writes only to the first path; tests/test_upstream_strings.py checks it).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_upstream"]
TIME_ZONE = "Asia/Shanghai"
# The console keeps Beijing time for everyone (legal periods and deadlines are counted in it). One
# zone also removes Wagtail's time-zone choice from the account page, which listed every zone the
# system knows, "localtime" included, and broke the page's script (RangeError: Invalid time zone).
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# plotly.js is served from the copy inside the plotly package: no CDN (DESIGN.md §2).
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor/plotly", Path(plotly.__file__).parent / "package_data")]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploaded spreadsheets are read in memory up to this size; the import refuses larger files. A request
# declaring a larger body is a 413 before it is read (config/middleware.py; nginx: client_max_body_size).
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
MAX_REQUEST_BYTES = 21 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

WAGTAIL_SITE_NAME = _("Quality safety supervision platform")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_ENABLE_UPDATE_CHECK = False
# A bureau's pages go live only through its approval task; no bureau role holds publish_page
# (which would let it publish past the task), so the approved revision is published by the
# workflow itself: cms/workflows.py.
WAGTAIL_FINISH_WORKFLOW_ACTION = "cms.workflows.publish_approved"
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# Images and documents of the bureaus' pages (one collection per bureau, cms.services
# .bureau_collections_sync). Images: the formats browsers show and Pillow reads safely (no SVG,
# which carries scripts; no GIF, HEIC or AVIF), at most 10 MB and 40 megapixels (a small file that
# declares a huge size is refused before it is decoded). Documents: what a bureau publishes (PDF,
# OFD, the national e-document format, Word and Excel without macros, csv), no archive or
# executable, at most 20 MB (the request cap is 21 MB). Served only through Wagtail's view
# (cms/wagtail_hooks.py checks who may have it), never straight from MEDIA_ROOT; only PDFs
# inline, the rest as attachments.
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILDOCS_EXTENSIONS = ["pdf", "ofd", "docx", "xlsx", "csv"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
WAGTAILDOCS_CONTENT_TYPES = {"ofd": "application/ofd"}

IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# An on-site inspection's photos of the unit's records (inspection/photos.py): resized on the phone
# to at most INSPECTION_PHOTO_MAX_SIDE_PX on the longer side before upload; the server accepts JPEG,
# PNG or WebP (by content) up to this size and this many per inspection.
INSPECTION_PHOTO_MAX_BYTES = int(os.environ.get("INSPECTION_PHOTO_MAX_BYTES", str(2 * 1024 * 1024)))
INSPECTION_PHOTOS_MAX = int(os.environ.get("INSPECTION_PHOTOS_MAX", "20"))
INSPECTION_PHOTO_MAX_SIDE_PX = 1600

# The penalty procedure (supervision/services/penalties.py). 行政处罚法 Art. 45: the unit states its
# case within a period the notice names (Art. 64 gives 5 days to ask for a hearing); Art. 63: a
# hearing for a "较大数额" fine, whose amount each province sets: set it per province.
PENALTY_STATEMENT_DAYS = int(os.environ.get("PENALTY_STATEMENT_DAYS", "5"))
PENALTY_HEARING_THRESHOLD_YUAN = int(os.environ.get("PENALTY_HEARING_THRESHOLD_YUAN", "10000"))
# The disclosure of a fine (supervision/services/disclosure.py; SAMR Order 45 Art. 13): three years,
# or three months for a "较低数额罚款", whose ceiling each province sets (0: no fine counts as low).
# A unit may apply for credit repair (提前停止公示, Art. 14) once its fine has been public this many days.
PENALTY_LOW_FINE_MAX_YUAN = int(os.environ.get("PENALTY_LOW_FINE_MAX_YUAN", "0"))
PENALTY_REPAIR_AFTER_DAYS = int(os.environ.get("PENALTY_REPAIR_AFTER_DAYS", "365"))

# Item analysis (assessment/selectors/results.py): a question is flagged too easy, too hard or
# discriminating negatively only from this many attempts that had it (below, chance decides).
ITEM_ANALYSIS_MIN_ATTEMPTS = int(os.environ.get("ITEM_ANALYSIS_MIN_ATTEMPTS", "30"))

# The public site's footer (cms/templatetags/site_footer.py): what a government site shows at its
# foot, set per deployment; an empty value is not shown.
SITE_FOOTER = {
    "sponsor": os.environ.get("SITE_SPONSOR", ""),  # 主办单位, e.g. 杭州市余杭区市场监督管理局
    "contact": os.environ.get("SITE_CONTACT", ""),  # 联系方式, e.g. 0571-00000000
    "icp": os.environ.get("SITE_ICP_NUMBER", ""),  # ICP 备案号, e.g. 浙ICP备00000000号
    "psb": os.environ.get("SITE_PSB_NUMBER", ""),  # 公安机关备案号, e.g. 浙公网安备 33011002000000号
    "identifier": os.environ.get("SITE_IDENTIFIER", ""),  # 网站标识码 (政府网站), e.g. 3301100000
}

# 不合格单位名单 (/results/failed/, cms.ResultsIndexPage): a unit that did not pass a published
# assessment round stays on the public list for this many days after the round's first publication.
# No national article sets the period: Order 75 Art. 15 only says the results are published. Listing
# the units that failed over one year is a provincial practice (浙江), so a province sets its own.
# Counted as 民法典 Art. 201 counts a period of days (the day of publication not counted): listed on
# day 365 after it, gone on day 366. A correction of the round does not restart the period.
FAILED_UNITS_LIST_DAYS = int(os.environ.get("FAILED_UNITS_LIST_DAYS", "365"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # The scheduler says what each periodic command did (config/periodic.py).
    "loggers": {"zlaq.periodic": {"level": "INFO"}},
}
