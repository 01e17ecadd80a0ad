"""Settings shared by every environment, read from environment variables (12-factor).

With no environment at all the site runs on SQLite, tasks run eagerly in-process and
mail is printed to the console, so a newcomer needs nothing installed.
"""

import datetime
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)  # optional, never committed

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")  # absolute links in e-mail

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "dbbackup",
    "axes",
    "csp",
    "security",
    "apperrors",
    "accounts",  # app label "core": see accounts/apps.py
    "masterdata",
    "promises",
    "phrases",
    "notify",
    "ui",
    "tickets",
    "capa",
    "installations",
    "objections",
    "accounting",
    "documents",
    "workhours",
    "mailin",
    "insight",
    "portal",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ui.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "security.middleware.NulByteMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a locked-out sign-in into the lockout page (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ui.context_processors.navigation",
                "notify.context_processors.notifications",
            ],
        },
    },
]

# Django's form renderer, remembering each widget's HTML per exact context (ui/renderers.py).
FORM_RENDERER = "ui.renderers.RememberingRenderer"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# django-axes first: it refuses a locked-out username+address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # user.has_perm(action, obj) answers with accounts.permissions' rules (can(user, action, obj))
    "rules.permissions.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese first; English on request (the language switch in the header).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# The apps' static files without Redoc, which is not served (config/staticfiles.py).
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "config.staticfiles.AppDirectoriesFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Backups (bin/backup, bin/restore; docs/deploy.md): django-dbbackup writes here.
    "dbbackup": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env("BACKUP_DIR", default=str(BASE_DIR / "backups"))},
    },
}
# Uploaded and generated files (photos, documents, exports) go to an S3-compatible object
# store when S3_BUCKET is set, so every web node and worker sees the same files (docs/deploy.md,
# "More than one web node"); to MEDIA_ROOT on the local disk otherwise. Either way they are
# streamed through Django behind its permission checks: the bucket itself stays private.
S3_BUCKET = env("S3_BUCKET", default="")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL", default="") or None,  # MinIO, Ceph, OSS, moto…
            "access_key": env("S3_ACCESS_KEY", default="") or None,
            "secret_key": env("S3_SECRET_KEY", default="") or None,
            "region_name": env("S3_REGION", default="") or None,
            "addressing_style": env("S3_ADDRESSING_STYLE", default="path"),
            "location": env("S3_PREFIX", default=""),
            "default_acl": None,  # the bucket's own policy: private
            "file_overwrite": False,  # a second file of the same name never replaces the first
            "querystring_auth": True,  # any URL made is signed and short-lived
            "querystring_expire": 300,
        },
    }
DBBACKUP_HOSTNAME = env("BACKUP_NAME", default="kesutong")  # in the file names, not the host's
DBBACKUP_CLEANUP_KEEP = env.int("BACKUP_KEEP", default=14)  # bin/backup keeps this many of each
# The restoring role owns what it restores, whoever owned the dumped database.
DBBACKUP_CONNECTORS = {"default": {"RESTORE_SUFFIX": "--no-owner --no-privileges"}}

# Mail: printed to the console unless an SMTP server is configured (EMAIL_URL or EMAIL_HOST).
_email_url = env("EMAIL_URL", default="")
if _email_url:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_HOST = env("EMAIL_HOST", default="")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
    EMAIL_BACKEND = env(
        "EMAIL_BACKEND",
        default=(
            "django.core.mail.backends.smtp.EmailBackend"
            if EMAIL_HOST
            else "django.core.mail.backends.console.EmailBackend"
        ),
    )
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="客诉通 <noreply@kesutong.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: with no broker configured, tasks run eagerly in the calling process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# A worker that dies mid-task leaves the message for another. Redelivery is harmless for
# the outbox: a row is claimed (pending -> sending) by one conditional UPDATE before it is
# sent, so a second run of the same task finds nothing left to send.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
# Publishing happens after the user's transaction committed; with the broker down it must
# give up quickly (beat's resend picks the rows up later) instead of holding the request.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_BEAT_SCHEDULE: dict = {
    "resend-notifications": {
        "task": "notify.tasks.resend_notifications",
        "schedule": env.float("NOTIFY_RESEND_EVERY_SECONDS", default=60.0),
    },
    "commitment-reminders": {"task": "promises.tasks.commitment_reminders", "schedule": 60.0},
    "sla-escalations": {"task": "tickets.tasks.sla_escalations", "schedule": 60.0},
    "capa-checks-due": {"task": "capa.tasks.capa_checks_due", "schedule": 3600.0},
    "kept-photos-cleanup": {"task": "tickets.tasks.kept_photos_cleanup", "schedule": 3600.0},
    # The dashboards' summary tables (cost, time in step): the changed tickets; the pages
    # show the time they are as of.
    "insight-summaries": {
        "task": "insight.tasks.refresh_insight_summaries",
        "schedule": env.float("INSIGHT_REFRESH_EVERY_SECONDS", default=300.0),
    },
    # Report PDFs left unsent while the broker was down, or by a worker that died mid-build.
    "insight-report-jobs": {"task": "insight.report_jobs.resend_report_jobs", "schedule": 60.0},
    # Journal exports left unsent while the broker was down, or by a worker that died mid-export.
    "accounting-export-jobs": {"task": "accounting.tasks.resend_export_jobs", "schedule": 60.0},
}

# Inbound e-mail (mailin/, docs/mailin.md): beat polls this IMAP mailbox every
# MAILIN_POLL_SECONDS; a new message from a customer's contact becomes a draft complaint, a
# reply to a notification a timeline entry. Off while MAILIN_IMAP_HOST is unset.
MAILIN_IMAP_HOST = env("MAILIN_IMAP_HOST", default="")
MAILIN_IMAP_SSL = env.bool("MAILIN_IMAP_SSL", default=True)  # IMAPS (993); off: plain or STARTTLS
MAILIN_IMAP_STARTTLS = env.bool("MAILIN_IMAP_STARTTLS", default=False)
MAILIN_IMAP_PORT = env.int("MAILIN_IMAP_PORT", default=993 if MAILIN_IMAP_SSL else 143)
MAILIN_IMAP_USER = env("MAILIN_IMAP_USER", default="")
MAILIN_IMAP_PASSWORD = env("MAILIN_IMAP_PASSWORD", default="")
MAILIN_IMAP_FOLDER = env("MAILIN_IMAP_FOLDER", default="INBOX")
# Where handled mail is moved (created if missing); empty: it stays, marked read.
MAILIN_IMAP_DONE_FOLDER = env("MAILIN_IMAP_DONE_FOLDER", default="")
MAILIN_IMAP_TIMEOUT = env.int("MAILIN_IMAP_TIMEOUT", default=30)
MAILIN_POLL_SECONDS = env.float("MAILIN_POLL_SECONDS", default=60.0)
MAILIN_MAX_PER_POLL = env.int("MAILIN_MAX_PER_POLL", default=100)
MAILIN_MAX_BYTES = env.int("MAILIN_MAX_BYTES", default=40 * 1024 * 1024)
# The mailbox's own address: notifications say Reply-To it, and mail from it is a loop.
MAILIN_ADDRESS = env("MAILIN_ADDRESS", default=MAILIN_IMAP_USER if "@" in MAILIN_IMAP_USER else "")
if MAILIN_IMAP_HOST:
    CELERY_BEAT_SCHEDULE["mailin-poll"] = {
        "task": "mailin.tasks.poll_mailbox",
        "schedule": MAILIN_POLL_SECONDS,
    }

# The outbox (docs/notify.md): a failed send is retried after NOTIFY_RETRY_BASE_SECONDS,
# doubling each time (capped at 6 h), and given up after NOTIFY_MAX_ATTEMPTS. A row left
# "sending" longer than the lease belonged to a worker that died mid-send: it is marked
# uncertain for an admin, never resent automatically (at most once).
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=8)
NOTIFY_RETRY_BASE_SECONDS = env.int("NOTIFY_RETRY_BASE_SECONDS", default=60)
NOTIFY_SENDING_LEASE_MINUTES = env.int("NOTIFY_SENDING_LEASE_MINUTES", default=10)
# Rows younger than this are left to the task queued at commit, not the resend.
NOTIFY_RESEND_GRACE_SECONDS = env.int("NOTIFY_RESEND_GRACE_SECONDS", default=30)
# Group robots (WeCom, DingTalk, Feishu; docs/notify.md "Group robots"): seconds per request
# (connect, and again for the answer), kept well below the lease. Only the platforms' own hosts
# are posted to; NOTIFY_ROBOT_EXTRA_HOSTS names more (a relay; the tests' local server).
NOTIFY_ROBOT_TIMEOUT_SECONDS = env.float("NOTIFY_ROBOT_TIMEOUT_SECONDS", default=10.0)
NOTIFY_ROBOT_EXTRA_HOSTS = env.list("NOTIFY_ROBOT_EXTRA_HOSTS", default=[])
# The header's bell asks for news this often while a page is open.
NOTIFICATION_POLL_SECONDS = env.int("NOTIFICATION_POLL_SECONDS", default=60)

# Commitments: the owner is reminded this long before the due time; when it passes with
# the promise still open, the owner's manager roles are told (owner's role -> managers).
COMMITMENT_REMIND_BEFORE = datetime.timedelta(minutes=env.int("COMMITMENT_REMIND_BEFORE_MINUTES", default=60))
COMMITMENT_ESCALATION_ROLES = {
    "sales": ["sales_manager"],
    "sales_manager": ["sales_manager"],
    "service_lead": ["production_manager"],
    "qc": ["production_manager"],
    "purchasing": ["production_manager"],
    "technical": ["production_manager"],
    "production_manager": ["production_manager"],
    "project_manager": ["production_manager"],
    "finance": ["production_manager"],
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "security.tokens.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "security.parsers.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Scoped throttles only (no global one): POST /api/auth/token/ per client address.
    "DEFAULT_THROTTLE_RATES": {"auth-token": env("API_TOKEN_THROTTLE", default="10/minute")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Every refusal, whoever raised it, answers in one shape: apperrors/api.py.
    "EXCEPTION_HANDLER": "apperrors.api.exception_handler",
}
# Content-Security-Policy (django-csp): scripts only from our own static files (no inline
# script or on…= handler anywhere; htmx's trigger filters still need eval), nothing framed,
# forms post only here. Styles allow 'unsafe-inline' for the style="" attributes a few
# templates still set (progress bar widths); Bootstrap's icons are data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # 'unsafe-eval' only for htmx's trigger filters (hx-trigger="every 60s [cond]", the
        # dispute preview's change[...]): htmx evaluates them with Function(). Inline
        # scripts and scripts from elsewhere stay refused.
        "script-src": [SELF, "'unsafe-eval'"],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# API tokens (security.tokens) are refused this long after they were issued.
API_TOKEN_TTL = datetime.timedelta(hours=env.int("API_TOKEN_TTL_HOURS", default=24))

# Guessing passwords (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username
# from one address, that pair is locked for AXES_COOLOFF_MINUTES (site, admin and API token
# sign-in alike). Unlock sooner in the admin (Axes → access attempts) or with
# `manage.py axes_reset_username <username>`. Attempts live in the database: shared by
# every process. The address is REMOTE_ADDR: behind a reverse proxy that is the proxy's, so
# the lockout is then per username only (still per username+address for direct clients).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "security.views.locked_out"
AXES_USERNAME_CALLABLE = "security.views.axes_username"
AXES_VERBOSE = False

# The cache holds the API throttles' counters, so production needs one shared by every
# process: CACHE_URL (e.g. redis://127.0.0.1:6379/1), else the broker's Redis when DEBUG is
# off. A per-process memory cache only in development and tests.
_cache_url = env("CACHE_URL", default="") or ("" if DEBUG else CELERY_BROKER_URL)
CACHES = {
    "default": (
        env.cache_url_config(_cache_url)
        if _cache_url.startswith(("redis://", "rediss://"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# The API's JSON bodies (security.parsers.LimitedJSONParser): no request needs more.
API_JSON_MAX_BYTES = env.int("API_JSON_MAX_BYTES", default=1024 * 1024)
API_JSON_MAX_DEPTH = 32
SPECTACULAR_SETTINGS = {
    "TITLE": "客诉通 API",
    "DESCRIPTION": _("Complaint tickets, sales objections and quality-dispute vouchers."),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema lists every action and field: for signed-in users only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI assets are served from our own static files: no CDN needed.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Tickets and vouchers both have a "state"; name their enums apart in the schema.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apperrors.api.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "TicketStateEnum": "tickets.models.ticket.State",
        "VoucherStateEnum": "accounting.models.vouchers.Voucher.State",
        "DisputeOutcomeEnum": "accounting.models.disputes.Outcome",
    },
}

# Complaint photos: images only, at most this many bytes each.
TICKET_PHOTO_MAX_BYTES = env.int("TICKET_PHOTO_MAX_BYTES", default=10 * 1024 * 1024)
# Attached documents (documents.validate_document): PDF, JPEG/PNG, Word/Excel/PowerPoint.
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024)
DOCUMENT_MAX_UNPACKED_BYTES = env.int("DOCUMENT_MAX_UNPACKED_BYTES", default=200 * 1024 * 1024)
# SLA clocks, promise reminders and time-in-step figures: "wall" (every hour counts) or
# "working" (the plant calendar's working hours only: workhours/, docs/insight.md).
SLA_CLOCK = env.str("SLA_CLOCK", default="wall")
if SLA_CLOCK not in ("wall", "working"):
    raise ImproperlyConfigured("SLA_CLOCK must be 'wall' or 'working'.")
# A small file can still decode into gigabytes (a 12,000 × 12,000 PNG is 140 KB): images with
# more pixels than this are refused before they are decoded (Pillow's bomb limit follows it).
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)
CAPA_CHECK_AFTER_DAYS = env.int("CAPA_CHECK_AFTER_DAYS", default=30)  # archive → effectiveness check

# Customer portal (portal/): per address, at most PORTAL_SUBMIT_LIMIT complaint forms per
# hour per link and PORTAL_TRACK_LIMIT tracking-page or survey requests per hour; a customer's
# complaint is answered with a call-back promise due this many hours after it arrives.
PORTAL_SUBMIT_LIMIT = env.int("PORTAL_SUBMIT_LIMIT", default=10)
PORTAL_TRACK_LIMIT = env.int("PORTAL_TRACK_LIMIT", default=60)
PORTAL_CALLBACK_HOURS = env.int("PORTAL_CALLBACK_HOURS", default=4)
PORTAL_MAX_PHOTOS = env.int("PORTAL_MAX_PHOTOS", default=5)

# The objection playbook rates a response only from this many closed cases on.
PLAYBOOK_MIN_CASES = env.int("PLAYBOOK_MIN_CASES", default=5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint narrates every PDF step at INFO.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}
