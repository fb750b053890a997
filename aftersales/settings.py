"""Django settings for AfterSales, read from the environment (see README, Configuration)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from huey import RedisHuey, SqliteHuey

from aftersales.config import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT = env_str("AFTERSALES_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"AFTERSALES_ENV={ENVIRONMENT!r} must be 'development' or 'production'"
    )
PRODUCTION = ENVIRONMENT == "production"

DATA_DIR = Path(env_str("AFTERSALES_DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env_str("AFTERSALES_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "AFTERSALES_SECRET_KEY (or AFTERSALES_SECRET_KEY_FILE) is required in production"
        )
    # Development only: a per-checkout key kept in the data directory, never committed.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        key_file.write_text(get_random_secret_key(), encoding="utf-8")
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text(encoding="utf-8").strip()

DEBUG = env_bool("AFTERSALES_DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("AFTERSALES_DEBUG must be off when AFTERSALES_ENV=production")

ALLOWED_HOSTS = env_list(
    "AFTERSALES_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("AFTERSALES_ALLOWED_HOSTS is required in production")
CSRF_TRUSTED_ORIGINS = env_list("AFTERSALES_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "huey.contrib.djhuey",
    "axes",
    "django_htmx",
    "aftersales.core",
    "aftersales.accounts",
    "aftersales.customers",
    "aftersales.service",
    "aftersales.sla",
    "aftersales.portal",
    "aftersales.insight",
    "aftersales.parts",
    "aftersales.field",
    "aftersales.feedback",
    "aftersales.kpi",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "aftersales.core.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "aftersales.urls"
WSGI_APPLICATION = "aftersales.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "aftersales" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aftersales.core.context_processors.shell",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        _db = dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("AFTERSALES_DB_CONN_MAX_AGE", 60)
        )
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be parsed: {exc}") from exc
    if _db["ENGINE"] not in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
        raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL or SQLite")
    _db["CONN_HEALTH_CHECKS"] = True
    if _db["ENGINE"] == "django.db.backends.postgresql":
        _db.setdefault("TEST", {})["NAME"] = env_str("AFTERSALES_TEST_DB_NAME") or None
        if not _db["TEST"]["NAME"]:
            del _db["TEST"]["NAME"]
else:
    _db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "aftersales.sqlite3"),
    }
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so
    # two writers queue on busy_timeout instead of failing with "database is locked" mid-way.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background jobs (huey) -----------------------------------------------------------------
HUEY_IMMEDIATE = env_bool("AFTERSALES_HUEY_IMMEDIATE", default=False)
if REDIS_URL:
    HUEY = RedisHuey("aftersales", url=REDIS_URL, immediate=HUEY_IMMEDIATE, utc=True)
else:
    HUEY = SqliteHuey(
        "aftersales", filename=str(DATA_DIR / "huey.sqlite3"), immediate=HUEY_IMMEDIATE, utc=True
    )

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "aftersales.accounts.backends.RoleModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"
AXES_FAILURE_LIMIT = env_int("AFTERSALES_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AFTERSALES_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("AFTERSALES_TIME_ZONE", "Asia/Shanghai")

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
# Browser libraries come from npm (package.json): `make setup` runs `npm ci` and copies the
# built files into build/static/vendor/, served like our own files, never from a CDN.
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    # Uploaded files are private: never under STATIC or a public MEDIA_URL; they are served
    # only through the permission-checked attachment view.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "private"), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
AFTERSALES_MAX_UPLOAD_MB = env_int("AFTERSALES_MAX_UPLOAD_MB", 20, minimum=1)
AFTERSALES_UPLOAD_EXTENSIONS = env_list(
    "AFTERSALES_UPLOAD_EXTENSIONS",
    [
        "pdf",
        "jpg",
        "jpeg",
        "png",
        "gif",
        "webp",
        "txt",
        "csv",
        "xlsx",
        "xls",
        "docx",
        "doc",
        "dwg",
        "dxf",
        "zip",
        "mp4",
    ],
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "aftersales.core.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "aftersales.core.api.filters.VisibleFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "aftersales.core.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env_str("AFTERSALES_ANON_THROTTLE", "60/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AfterSales API",
    "DESCRIPTION": "After-sales service management (售后服务管理系统).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RequestStatusEnum": "aftersales.service.choices.Status",
        "MessageKindEnum": "aftersales.service.choices.MessageKind",
        "ClockModeEnum": "aftersales.sla.choices.ClockMode",
        "TargetKindEnum": "aftersales.sla.choices.TargetKind",
        "JobStatusEnum": "aftersales.core.choices.JobStatus",
        "EquipmentStatusEnum": "aftersales.customers.choices.EquipmentStatus",
    },
}

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("AFTERSALES_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("AFTERSALES_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("AFTERSALES_LOG_LEVEL", "INFO")},
    "loggers": {
        "huey": {"level": "INFO"},
        # WeasyPrint narrates every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Domain ---------------------------------------------------------------------------------
# The name printed on service reports, notices and forms (the demo company by default).
AFTERSALES_COMPANY_NAME = env_str("AFTERSALES_COMPANY_NAME", "江苏恒泰智能装备有限公司")
AFTERSALES_DEFAULT_WARRANTY_MONTHS = env_int("AFTERSALES_DEFAULT_WARRANTY_MONTHS", 12, minimum=0)
AFTERSALES_REOPEN_WINDOW_DAYS = env_int("AFTERSALES_REOPEN_WINDOW_DAYS", 30, minimum=0)
AFTERSALES_SLA_SWEEP_BATCH = env_int("AFTERSALES_SLA_SWEEP_BATCH", 2000, minimum=1)
AFTERSALES_IMPORT_MAX_ROWS = env_int("AFTERSALES_IMPORT_MAX_ROWS", 100_000, minimum=1)
# Feedback: a return visit falls due this many working days after confirmation or an
# effective service report; closing a request of these types needs its return visit.
AFTERSALES_RETURN_VISIT_DAYS = env_int("AFTERSALES_RETURN_VISIT_DAYS", 3, minimum=0)
AFTERSALES_RETURN_VISIT_REQUIRED_TYPES = env_list(
    "AFTERSALES_RETURN_VISIT_REQUIRED_TYPES",
    ["fault", "complaint", "installation", "maintenance", "warranty"],
)
AFTERSALES_SURVEY_EXPIRY_DAYS = env_int("AFTERSALES_SURVEY_EXPIRY_DAYS", 14, minimum=1)
# The address customers reach the app at (for links in mail, e.g. https://service.example.com);
# empty: survey links are sent only as portal notifications.
AFTERSALES_BASE_URL = env_str("AFTERSALES_BASE_URL", "").rstrip("/")
