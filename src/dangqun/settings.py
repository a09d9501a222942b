"""One settings module; every knob comes from the environment.

Embedded default: SQLite in ``DANGQUN_DATA_DIR`` (WAL). PostgreSQL when ``DATABASE_URL`` is set.
A secret key is generated into the data directory on first run when ``DANGQUN_SECRET_KEY`` is unset.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DATA_DIR = Path(env_str("DANGQUN_DATA_DIR", str(Path.cwd() / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret(name: str, filename: str) -> str:
    """Read a secret from the environment, else from (or newly into) the data directory."""
    if os.environ.get(name):
        return os.environ[name]
    path = DATA_DIR / filename
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


SECRET_KEY = _secret("DANGQUN_SECRET_KEY", "secret_key")
# Key for field encryption (ID numbers) and the keyed hash that makes them unique.
FIELD_ENCRYPTION_KEY = _secret("DANGQUN_FIELD_KEY", "field_key")

DEBUG = env_bool("DANGQUN_DEBUG", False)
ALLOWED_HOSTS = env_list("DANGQUN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# Reverse proxies whose X-Forwarded-For is believed (their own addresses); empty: believe none.
TRUSTED_PROXIES = env_list("DANGQUN_TRUSTED_PROXIES")
CSRF_TRUSTED_ORIGINS = env_list("DANGQUN_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "treebeard",
    "django_htmx",
    "template_partials",
    "axes",
    "huey.contrib.djhuey",
    "dangqun.core",
    "dangqun.accounts",
    "dangqun.orgs",
    "dangqun.people",
    "dangqun.voices",
    "dangqun.life",
    "dangqun.development",
    "dangqun.activities",
    "dangqun.learning",
    "dangqun.surveys",
    "dangqun.publicity",
    "dangqun.notices",
    "dangqun.connect",
    "dangqun.seed",
    "dangqun.api",
    "dangqun.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dangqun.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "dangqun.accounts.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dangqun.urls"
WSGI_APPLICATION = "dangqun.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dangqun.web.context.navigation",
                "dangqun.notices.context.bell",
            ],
        },
    }
]

_sqlite_path = DATA_DIR / "dangqun.sqlite3"
if env_str("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL"), conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": _sqlite_path,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA cache_size=-64000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env_bool("DANGQUN_FAST_HASHER"):  # tests only: argon2 is deliberately slow
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failures (django-axes).
AXES_FAILURE_LIMIT = env_int("DANGQUN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("DANGQUN_LOGIN_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = env_bool("DANGQUN_AXES_ENABLED", True)

# Idle sessions end after this many minutes without a request.
SESSION_IDLE_TIMEOUT_MINUTES = env_int("DANGQUN_IDLE_TIMEOUT_MINUTES", 30)
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env_bool("DANGQUN_SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
# A refused form (expired page, cookies blocked) explains itself in Chinese, in the site's layout.
CSRF_FAILURE_VIEW = "dangqun.web.errors.csrf_failure"
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
NODE_MODULES = Path(env_str("DANGQUN_NODE_MODULES", str(PROJECT_DIR / "node_modules")))
# The help page (/help/) renders this Markdown file: the user guide kept with the code.
USER_GUIDE = Path(env_str("DANGQUN_USER_GUIDE", str(PROJECT_DIR / "docs" / "user-guide.md")))
STATICFILES_DIRS = [
    # Only Tabler's built CSS and JS: its libs/ folder has files whose references break the manifest.
    ("vendor/tabler/css", NODE_MODULES / "@tabler/core/dist/css"),
    ("vendor/tabler/js", NODE_MODULES / "@tabler/core/dist/js"),
    ("vendor/tabler/img", NODE_MODULES / "@tabler/core/dist/img"),
    ("vendor/htmx", NODE_MODULES / "htmx.org/dist"),
    ("vendor/echarts", NODE_MODULES / "echarts/dist"),
    ("vendor/swagger-ui", NODE_MODULES / "swagger-ui-dist"),
]
STATICFILES_DIRS = [(prefix, path) for prefix, path in STATICFILES_DIRS if path.exists()]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("DANGQUN_MANIFEST_STATIC")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
WHITENOISE_USE_FINDERS = not env_bool("DANGQUN_MANIFEST_STATIC")

# Uploads: imports may be large; anything above this is refused with a clear message.
IMPORT_MAX_BYTES = env_int("DANGQUN_IMPORT_MAX_MB", 20) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "dangqun.api.auth.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "dangqun.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "党群工作平台 API",
    "DESCRIPTION": "组织、人员与党员信息、群众呼声、发展党员。所有查询均按调用者的授权范围过滤。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # 401, a list's 404 for a bad page and 400 for a bad filter, documented on every operation.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "dangqun.api.schema.document_common_errors",
    ],
    # Two models name a field "status": each enum gets its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "VoiceStatusEnum": "dangqun.voices.models.Status",
        "CaseStatusEnum": "dangqun.development.models.Status",
        "MeetingStatusEnum": "dangqun.life.models.Status",
        "MeetingKindEnum": "dangqun.life.models.Kind",
        "ActivityStatusEnum": "dangqun.activities.models.Status",
        "SignUpStatusEnum": "dangqun.activities.models.SignUpStatus",
        "OrderStatusEnum": "dangqun.activities.models.OrderStatus",
        "MaterialStatusEnum": "dangqun.learning.material_models.MaterialStatus",
        "MaterialKindEnum": "dangqun.learning.material_models.MaterialKind",
        "TrainingClassStatusEnum": "dangqun.learning.class_models.ClassStatus",
        "ExternalTrainingStatusEnum": "dangqun.learning.class_models.ExternalStatus",
        "ExternalTrainingKindEnum": "dangqun.learning.class_models.ExternalKind",
        "SurveyStatusEnum": "dangqun.surveys.models.Status",
        "PublicityItemKindEnum": "dangqun.publicity.models.ItemKind",
        "QuestionKindEnum": "dangqun.learning.exam_models.Kind",
    },
}

# A cache every server process shares (rule overrides are cached and forgotten on change; with
# a per-process cache, another gunicorn worker would use a changed rule for up to 5 minutes):
# Redis when REDIS_URL is set, otherwise files in the data directory.
if env_str("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env_str("REDIS_URL"),
            "KEY_PREFIX": "dangqun",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

# E-mail for notices: sent only when an SMTP server is configured; the bell works without it.
EMAIL_HOST = env_str("DANGQUN_SMTP_HOST")
EMAIL_PORT = env_int("DANGQUN_SMTP_PORT", 465 if env_bool("DANGQUN_SMTP_SSL") else 587)
EMAIL_HOST_USER = env_str("DANGQUN_SMTP_USER")
EMAIL_HOST_PASSWORD = env_str("DANGQUN_SMTP_PASSWORD")
EMAIL_USE_SSL = env_bool("DANGQUN_SMTP_SSL")
EMAIL_USE_TLS = not EMAIL_USE_SSL and env_bool("DANGQUN_SMTP_TLS", True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("DANGQUN_MAIL_FROM", EMAIL_HOST_USER or "noreply@localhost")
DANGQUN_EMAIL_NOTICES = bool(EMAIL_HOST)
# The address users reach the platform at, for links in e-mails (e.g. https://dangqun.example.cn)
DANGQUN_BASE_URL = env_str("DANGQUN_BASE_URL")

# Sign-in and messages through 企业微信, 钉钉 and an OIDC server (decision 0017). Each is on when its
# ids and secret are given; messages also need DANGQUN_BASE_URL (their links are absolute).
DANGQUN_WECOM = {
    "corp_id": env_str("DANGQUN_WECOM_CORP_ID"),
    "agent_id": env_str("DANGQUN_WECOM_AGENT_ID"),
    "secret": env_str("DANGQUN_WECOM_SECRET"),
    "api_base": env_str("DANGQUN_WECOM_API_BASE", "https://qyapi.weixin.qq.com"),
    "oauth_url": env_str(
        "DANGQUN_WECOM_OAUTH_URL", "https://open.weixin.qq.com/connect/oauth2/authorize"
    ),
    "qr_url": env_str("DANGQUN_WECOM_QR_URL", "https://login.work.weixin.qq.com/wwlogin/sso/login"),
}
DANGQUN_DINGTALK = {
    "app_key": env_str("DANGQUN_DINGTALK_APP_KEY"),
    "app_secret": env_str("DANGQUN_DINGTALK_APP_SECRET"),
    "agent_id": env_str("DANGQUN_DINGTALK_AGENT_ID"),
    "corp_id": env_str("DANGQUN_DINGTALK_CORP_ID"),
    "oapi_base": env_str("DANGQUN_DINGTALK_OAPI_BASE", "https://oapi.dingtalk.com"),
    "api_base": env_str("DANGQUN_DINGTALK_API_BASE", "https://api.dingtalk.com"),
    "oauth_url": env_str("DANGQUN_DINGTALK_OAUTH_URL", "https://login.dingtalk.com/oauth2/auth"),
}
DANGQUN_OIDC = {
    "issuer": env_str("DANGQUN_OIDC_ISSUER"),
    "client_id": env_str("DANGQUN_OIDC_CLIENT_ID"),
    "client_secret": env_str("DANGQUN_OIDC_CLIENT_SECRET"),
    "scope": env_str("DANGQUN_OIDC_SCOPE", "openid profile phone"),
    "employee_claim": env_str("DANGQUN_OIDC_EMPLOYEE_CLAIM", "employee_number"),
    "mobile_claim": env_str("DANGQUN_OIDC_MOBILE_CLAIM", "phone_number"),
    "label": env_str("DANGQUN_OIDC_LABEL", "统一身份认证"),
}

# Background work: SqliteHuey in the data directory, RedisHuey when REDIS_URL is set.
# Tests run tasks immediately (DANGQUN_HUEY_IMMEDIATE=1).
if env_str("REDIS_URL"):
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "dangqun",
        "url": env_str("REDIS_URL"),
        "immediate": env_bool("DANGQUN_HUEY_IMMEDIATE"),
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "dangqun",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": env_bool("DANGQUN_HUEY_IMMEDIATE"),
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DANGQUN_LOG_LEVEL", "WARNING")},
}
