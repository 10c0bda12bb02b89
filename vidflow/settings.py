"""VidFlow settings.

Every value that differs between machines is read from the environment here, in one place,
through django-environ. A bad value stops the process at start with the variable's name.

The embedded default (``make run``): SQLite, a Celery broker on the local file system, local
memory cache, files under ``var/``. Production: set ``DATABASE_URL`` (PostgreSQL), ``REDIS_URL``
(broker, cache), ``SECRET_KEY`` and, for object storage, ``AWS_STORAGE_BUCKET_NAME``. The code path
is the same in both.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

# Called by django-oauth-toolkit as callables (not import strings); free of Django imports.
from oauth_device.user_codes import generate_user_code
from vidflow.workloads import DEFAULT_QUEUE, all_queues

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VIDFLOW_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()


def _read(name: str, cast: str, **kwargs: Any) -> Any:
    """Read one variable, turning any parse error into ImproperlyConfigured naming it."""
    try:
        return getattr(env, cast)(name, **kwargs)
    except ImproperlyConfigured:
        raise
    except Exception as exc:  # a malformed value: say which variable, not a bare ValueError
        raise ImproperlyConfigured(f"Environment variable {name} is invalid: {exc}") from exc


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _bool(name: str, *, default: bool) -> bool:
    """Strict booleans: a typo such as DEBUG=ture fails loudly instead of meaning False."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"Environment variable {name} must be a boolean (1/0, true/false, yes/no), got {raw!r}"
    )


def _positive(name: str, value: int) -> int:
    if value <= 0:
        raise ImproperlyConfigured(f"Environment variable {name} must be positive, got {value}")
    return value


DEBUG: bool = _bool("DEBUG", default=False)

SECRET_KEY: str = _read("SECRET_KEY", "str", default="")
_SECRET_KEY_FILE = VAR_DIR / "secret_key"
if not SECRET_KEY and _SECRET_KEY_FILE.is_file():
    # The embedded default: `make run` generated the key here, so `manage.py createsuperuser`
    # (or any command) works without exporting it by hand.
    SECRET_KEY = _SECRET_KEY_FILE.read_text().strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Environment variable SECRET_KEY is required when DEBUG is off, or a key in "
            f"{_SECRET_KEY_FILE} (make run generates one there)."
        )
    SECRET_KEY = "django-insecure-development-only-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS: list[str] = _read(
    "ALLOWED_HOSTS", "list", default=["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS: list[str] = _read("CSRF_TRUSTED_ORIGINS", "list", default=[])

# The address vendors and browsers use to reach this server (callbacks, absolute file URLs).
PUBLIC_BASE_URL: str = _read("PUBLIC_BASE_URL", "str", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc as static files: no CDN
    "corsheaders",
    "oauth2_provider",
    "django_ratelimit",
    "vidflow",
    "accounts",
    "projects",
    "billing",
    "oauth_device",
    "webhooks",
    "vendors",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "vidflow.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "vidflow.api.middleware.ControlCharacterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.middleware.AuthenticationMiddleware",  # Django's, its user read cheaper
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "vidflow.api.middleware.ApiErrorMiddleware",
]

# CORS (django-cors-headers): browser apps on these origins may call the API and the OAuth
# endpoints (preflights included). Empty by default: only our own pages. Comma-separated origins,
# e.g. CORS_ALLOWED_ORIGINS=https://app.example.com,http://localhost:5173
CORS_ALLOWED_ORIGINS: list[str] = _read("CORS_ALLOWED_ORIGINS", "list", default=[])
CORS_URLS_REGEX = r"^/(api|\.well-known)/.*$"
CORS_ALLOW_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "idempotency-key",
    "if-match",
    "if-none-match",
    "x-csrftoken",
)
CORS_EXPOSE_HEADERS = (
    "etag",
    "ratelimit",
    "ratelimit-policy",
    "retry-after",
    "www-authenticate",
    "content-disposition",
)

ROOT_URLCONF = "vidflow.urls"
WSGI_APPLICATION = "vidflow.wsgi.application"
APPEND_SLASH = True

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
                "billing.context_processors.credits",
                "webhooks.context_processors.notices",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASES = {
    "default": _read("DATABASE_URL", "db_url", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A web process and a worker write at once: WAL lets readers proceed, IMMEDIATE transactions
    # serialize writers up front (select_for_update is a no-op on SQLite), and the timeout makes
    # a writer wait for the lock instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's, with a health check that looks at the socket before it sends SELECT 1, and
        # the project payload's statement prepared once per connection (vidflow/postgres/base.py);
        # DB_PREPARED_STATEMENTS=0 behind a pooler in transaction mode that cannot keep them.
        DATABASES["default"]["ENGINE"] = "vidflow.postgres"
        DATABASES["default"]["PREPARED_STATEMENTS"] = _bool("DB_PREPARED_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache (rate limits, idempotency) -------------------------------------------------------
REDIS_URL: str = _read("REDIS_URL", "str", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "vidflow.cache.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": _read("CACHE_KEY_PREFIX", "str", default="vidflow"),
            # An unreachable Redis must fail fast (rate limits then fail open or closed, as
            # RATE_LIMIT_FAIL_OPEN says), not hold a request thread.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    # django-ratelimit knows supported backends by class path; ours is Django's RedisCache with
    # a cheaper client (vidflow/cache.py: same atomic INCR), so its "not officially supported"
    # warning does not apply.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # The embedded default is one web process, whose local memory holds the counters correctly.
    # django-ratelimit refuses to start on it (E003: not shared between processes) and warns
    # that it is unsupported (W001); production sets REDIS_URL and gets neither silenced.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# --- auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions live in the database alone: Redis being down never logs anybody out or fails a
# request, and a session ended while it was down cannot come back from a stale cache entry.
# vidflow.sessions is Django's database engine with its read by key made cheaper (same table).
SESSION_ENGINE = "vidflow.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE: bool = _bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- i18n / static / media ------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(_read("MEDIA_ROOT", "str", default=str(VAR_DIR / "media")))
VIDFLOW_WORK_DIR = Path(_read("VIDFLOW_WORK_DIR", "str", default=str(VAR_DIR / "work")))
MEDIA_URL = "/media/"  # never served directly: artifacts go through signed, owner-checked URLs

# Signed artifact links stay valid this long (seconds); S3 pre-signed links too.
ARTIFACT_URL_MAX_AGE: int = _positive(
    "ARTIFACT_URL_MAX_AGE", _read("ARTIFACT_URL_MAX_AGE", "int", default=6 * 3600)
)

# Object storage (vidflow/s3.py): with a bucket named, every artifact lives there and links are
# pre-signed URLs. Credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the machine's
# role). AWS_S3_ENDPOINT_URL for a store other than AWS (SeaweedFS, MinIO...), and
# AWS_S3_PUBLIC_ENDPOINT_URL when browsers and vendors reach it at another address than the
# servers do.
AWS_STORAGE_BUCKET_NAME: str = _read("AWS_STORAGE_BUCKET_NAME", "str", default="")
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if AWS_STORAGE_BUCKET_NAME:
    if ARTIFACT_URL_MAX_AGE > 7 * 24 * 3600:
        raise ImproperlyConfigured(
            "Environment variable ARTIFACT_URL_MAX_AGE must be at most 604800 with S3 storage "
            f"(7 days: the longest a pre-signed link may last), got {ARTIFACT_URL_MAX_AGE}"
        )
    _addressing = _read("AWS_S3_ADDRESSING_STYLE", "str", default="auto")
    if _addressing not in ("auto", "path", "virtual"):
        raise ImproperlyConfigured(
            f"Environment variable AWS_S3_ADDRESSING_STYLE must be auto, path or virtual, "
            f"got {_addressing!r}"
        )
    STORAGES["default"] = {
        "BACKEND": "vidflow.s3.ArtifactS3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": _read("AWS_S3_ENDPOINT_URL", "str", default="") or None,
            "public_endpoint_url": _read("AWS_S3_PUBLIC_ENDPOINT_URL", "str", default="") or None,
            "region_name": _read("AWS_S3_REGION_NAME", "str", default="") or None,
            "addressing_style": None if _addressing == "auto" else _addressing,
            "signature_version": "s3v4",
            "querystring_auth": True,
            "querystring_expire": ARTIFACT_URL_MAX_AGE,
            "file_overwrite": False,
            "default_acl": None,
        },
    }

# The render cache (projects.pipeline.render_cache): the encoded segments and soundtracks a
# re-render reuses, in storage beside each project's artifacts. After each render a project keeps
# what that render used plus older entries up to this many megabytes; 0 turns the cache off.
RENDER_CACHE_MB: int = _read("RENDER_CACHE_MB", "int", default=500)
if RENDER_CACHE_MB < 0:
    raise ImproperlyConfigured(
        f"Environment variable RENDER_CACHE_MB must be >= 0, got {RENDER_CACHE_MB}"
    )

# Largest request body accepted (bytes); larger answers 400 before anything is read.
DATA_UPLOAD_MAX_MEMORY_SIZE: int = _read("MAX_REQUEST_BYTES", "int", default=2 * 1024 * 1024)

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # requireAuth: a Bearer header first (and if present it must be valid), then the session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "oauth_device.authentication.BearerTokenAuthentication",
        "vidflow.api.auth.CsrfSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "vidflow.api.permissions.IsActiveAccount",
        "vidflow.api.permissions.HasRequiredScope",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "vidflow.api.renderers.EnvelopeJSONRenderer",
        "vidflow.api.renderers.BrowsableAPIRenderer",
    ],
    # JSON bodies only; the upload routes take multipart (projects/urls.py), the Fountain import
    # text/plain too. Another Content-Type is a 415 in the envelope, as /api/schema says.
    "DEFAULT_PARSER_CLASSES": ["vidflow.api.parsers.CheckedJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_METADATA_CLASS": "vidflow.api.metadata.RouteMetadata",
    "DEFAULT_PAGINATION_CLASS": "vidflow.api.pagination.CreatedCursorPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "vidflow.api.envelope.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "vidflow.api.schema.VidflowAutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "VidFlow API",
    "DESCRIPTION": (
        "Every route under /api/ answers with the envelope "
        '{"success": true, "data": ...} or {"success": false, "error": {code, message, details}}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from our static files (drf-spectacular-sidecar), Swagger's start-up
    # script a file of its own (SpectacularSwaggerSplitView): the docs run under the site's CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api",
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "projects.models.Stage",
        "RunStatusEnum": "projects.models.RunStatus",
        "ShotStateEnum": "projects.models.ShotState",
        "LedgerKindEnum": "billing.models.EntryKind",
        "ShotKindEnum": "projects.models.ShotKind",
        "ShotTransitionEnum": "projects.models.ShotTransition",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "vidflow.api.schema.strip_trailing_slashes",
        "vidflow.api.schema.wrap_in_envelope",
        "vidflow.api.schema.close_request_bodies",
        "vidflow.api.schema.declare_input_rules",
    ],
}

# --- rate limits (vidflow/ratelimit.py) -------------------------------------------------------
# Requests allowed per window, per tier: "<count>/<window>" with the window in s, m, h or d
# (e.g. 5/m, 100/h, 10/30s). auth: log-in, sign-up, starting a device flow, entering a user code
# (wrong entries only), refresh, revoke - each its own counter. api: session requests to the API;
# oauth_bearer: bearer-token requests; generation: billable actions; free_suggest: suggestions.
_RATE_DEFAULTS = {
    "auth": "5/m",
    "api": "60/m",
    # Reads with a browser session (the workspace polls its project, runs and sections): their
    # own, larger budget, so using a project for a few minutes never meets a 429; session writes
    # stay on "api", and scripts with a bearer token on "oauth_bearer".
    "workspace": "600/m",
    "oauth_bearer": "60/m",
    "generation": "10/m",
    "free_suggest": "12/m",
}
VIDFLOW_RATE_TIERS: dict[str, str] = {}
for _tier, _default in _RATE_DEFAULTS.items():
    _name = f"RATE_LIMIT_{_tier.upper()}"
    _rate = _read(_name, "str", default=_default).strip()
    _rate_match = re.fullmatch(r"(\d+)/(\d*)([smhd])", _rate)
    if _rate_match is None or int(_rate_match[1]) < 1 or _rate_match[2] == "0":
        raise ImproperlyConfigured(
            f"Environment variable {_name} must be a rate such as 5/m, 100/h or 10/30s, "
            f"got {_rate!r}"
        )
    VIDFLOW_RATE_TIERS[_tier] = _rate
RATELIMIT_USE_CACHE = "default"
# Behind a reverse proxy every request comes from the proxy's address, and per-address limits
# would be shared by everybody: name the header the proxy sets to the client's address (one
# address, overwritten by the proxy, e.g. X-Real-IP). Unset: REMOTE_ADDR.
_ip_header: str = _read("RATE_LIMIT_IP_HEADER", "str", default="").strip()
RATE_LIMIT_IP_META_KEY = "HTTP_" + _ip_header.upper().replace("-", "_") if _ip_header else ""
# When the cache (Redis) cannot count: refuse with 429 (False, the default) or let requests
# through unlimited (True).
RATELIMIT_FAIL_OPEN: bool = _bool("RATE_LIMIT_FAIL_OPEN", default=False)

# --- OAuth 2.1 device flow (oauth_device/, on django-oauth-toolkit) ---------------------------
# Scopes a token can carry, as the approval page words them.
OAUTH_SCOPES: dict[str, str] = {
    "projects:read": "See your projects, their runs and your channels",
    "projects:write": "Create, change and delete your projects and channels",
    "generate": "Generate scripts, pictures, voice and video, which spends your credits",
    "publish": "Publish videos to your connected YouTube channel",
    "billing:read": "See your credit balance and transactions",
}
OAUTH_DEVICE_CODE_SECONDS: int = _positive(
    "OAUTH_DEVICE_CODE_SECONDS", _read("OAUTH_DEVICE_CODE_SECONDS", "int", default=600)
)
OAUTH_DEVICE_INTERVAL: int = _positive(
    "OAUTH_DEVICE_INTERVAL", _read("OAUTH_DEVICE_INTERVAL", "int", default=5)
)
OAUTH_ACCESS_TOKEN_SECONDS: int = _positive(
    "OAUTH_ACCESS_TOKEN_SECONDS", _read("OAUTH_ACCESS_TOKEN_SECONDS", "int", default=3600)
)
OAUTH_REFRESH_TOKEN_SECONDS: int = _positive(
    "OAUTH_REFRESH_TOKEN_SECONDS",
    _read("OAUTH_REFRESH_TOKEN_SECONDS", "int", default=30 * 24 * 3600),
)
# Expired, denied and never-redeemed device grants are deleted this long after they expire
# (until then a late poll still answers expired_token rather than invalid_grant).
OAUTH_DEVICE_GRANT_RETENTION_SECONDS = 3600

# Our models point at django-oauth-toolkit's swappable models; migrations need them named here.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"  # noqa: S105 (a model)
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"  # noqa: S105 (a model)
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"  # noqa: S105 (a model)
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER_DEVICE_GRANT_MODEL = "oauth2_provider.DeviceGrant"
OAUTH2_PROVIDER: dict[str, Any] = {
    "SCOPES": OAUTH_SCOPES,
    "DEFAULT_SCOPES": ["projects:read"],
    "OAUTH2_VALIDATOR_CLASS": "oauth_device.validators.VidflowOAuth2Validator",
    "ACCESS_TOKEN_EXPIRE_SECONDS": OAUTH_ACCESS_TOKEN_SECONDS,
    "REFRESH_TOKEN_EXPIRE_SECONDS": OAUTH_REFRESH_TOKEN_SECONDS,
    "ACCESS_TOKEN_GENERATOR": "oauth_device.tokens.access_token_generator",  # vfa_...
    "REFRESH_TOKEN_GENERATOR": "oauth_device.tokens.refresh_token_generator",  # vfr_...
    # Rotate on every refresh; a rotated token presented again revokes its whole family.
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # Must stay 0 with hashed storage: inside a grace period DOT answers a retried refresh with
    # the *stored* previous tokens, which are "" when only hashes are kept (DOT issue #1716).
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    "DEVICE_FLOW_INTERVAL": OAUTH_DEVICE_INTERVAL,
    "OAUTH_DEVICE_VERIFICATION_URI": f"{PUBLIC_BASE_URL}/device",
    "OAUTH_DEVICE_VERIFICATION_URI_COMPLETE": f"{PUBLIC_BASE_URL}/device?user_code={{user_code}}",
    "OAUTH_DEVICE_USER_CODE_GENERATOR": generate_user_code,
    # DOT's default hook 500s on a missing or unknown device_code; our token view answers those
    # itself, and the validator's validate_device_code loads the user and scopes.
    "OAUTH_PRE_TOKEN_VALIDATION": [],
    # RFC 9700 (OAuth security BCP): only sha256 digests of tokens in the database, no tokens in
    # URLs, no implicit or password grant.
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "PKCE_REQUIRED": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    # The issuer is the public address, never derived from a Host header.
    "OIDC_ISS_ENDPOINT": PUBLIC_BASE_URL,
}

# --- Celery ---------------------------------------------------------------------------------
CELERY_TASK_SOFT_TIME_LIMIT: int = _positive(
    "CELERY_TASK_SOFT_TIME_LIMIT", _read("CELERY_TASK_SOFT_TIME_LIMIT", "int", default=600)
)
CELERY_TASK_TIME_LIMIT: int = _positive(
    "CELERY_TASK_TIME_LIMIT", _read("CELERY_TASK_TIME_LIMIT", "int", default=660)
)
CELERY_BROKER_URL: str = (
    _read("CELERY_BROKER_URL", "str", default="") or REDIS_URL or "filesystem://"
)
# How long the broker (Redis) waits before handing a task its worker never acknowledged to another
# worker. Only a backstop: leases (below) requeue a dead worker's work far sooner. It must exceed
# the hard time limit, or a slow task would be delivered twice while it still runs.
CELERY_BROKER_VISIBILITY_TIMEOUT: int = _read(
    "CELERY_BROKER_VISIBILITY_TIMEOUT", "int", default=900
)
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {
    "visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _folder in (
        "queue",
        "processed",
        "control",
    ):  # the web process and the worker both need them
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        {
            "data_folder_in": str(_broker_dir / "queue"),
            "data_folder_out": str(_broker_dir / "queue"),
            "processed_folder": str(_broker_dir / "processed"),
            "control_folder": str(_broker_dir / "control"),
            "store_processed": False,
        }
    )
# Separate deployments (or test sessions) sharing one broker use separate queues.
CELERY_TASK_DEFAULT_QUEUE: str = _read("CELERY_QUEUE", "str", default=DEFAULT_QUEUE)
if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}", CELERY_TASK_DEFAULT_QUEUE):
    raise ImproperlyConfigured(
        "Environment variable CELERY_QUEUE must be a queue name (letters, digits, _ . : -), "
        f"got {CELERY_TASK_DEFAULT_QUEUE!r}"
    )
# Queues per workload (vidflow/workloads.py): <CELERY_QUEUE>.text, .media, .render, .webhooks,
# periodic work on <CELERY_QUEUE> itself. Which task (and which kind of run) goes where; anything
# not named here goes to the default queue. A plain `celery -A vidflow worker` consumes them all;
# `-Q celery.render` makes a worker that only renders.
VIDFLOW_TASK_WORKLOADS: dict[str, str] = {
    "projects.tasks.shot_task": "media",
    "projects.tasks.vendor_job_finished_task": "webhooks",
    "projects.tasks.make_continue_task": "text",
    "webhooks.tasks.webhook_deliver_task": "webhooks",
}
VIDFLOW_RUN_WORKLOADS: dict[str, str] = {
    "script.outline": "text",
    "script.hook": "text",
    "script.chapters": "text",
    "script.analyze": "text",
    "shots.plan": "text",
    "project.make": "text",
    "publish.youtube": "text",
    "visual_bible.generate": "media",
    "visual_bible.variation": "media",
    "voiceover.generate": "media",
    "music.generate": "media",
    "shots.generate": "media",
    "render.final": "render",
    "thumbnail.generate": "render",
}
CELERY_TASK_ROUTES = ("projects.queues.route_task",)
CELERY_TASK_QUEUES = tuple(
    Queue(name, routing_key=name) for name in all_queues(CELERY_TASK_DEFAULT_QUEUE)
)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Tasks last minutes: a worker takes one task per process at a time and no more (a prefetched
# task would wait behind a long render while another worker sits idle).
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker process is replaced after this many tasks (0: never), which returns the memory a
# media library kept; models load again in the new process.
_max_tasks = _read("CELERY_WORKER_MAX_TASKS_PER_CHILD", "int", default=0)
CELERY_WORKER_MAX_TASKS_PER_CHILD: int | None = _max_tasks if _max_tasks > 0 else None

# Fair sharing (projects/tasks.py, vidflow/slots.py): a user's tasks hold at most this many worker
# slots at once, across every worker and queue (0: no cap); the rest wait their turn, re-queued
# VIDFLOW_USER_SLOT_WAIT seconds later. A slot is counted in Redis (REDIS_URL; without it there is
# no cap) and expires VIDFLOW_USER_SLOT_TTL seconds after its worker last renewed it, so a worker
# killed mid-task frees its slot by itself. Keep the cap below the number of worker processes of a
# queue so another user always finds one free.
VIDFLOW_USER_SLOTS: int = _read("VIDFLOW_USER_SLOTS", "int", default=2)
VIDFLOW_USER_SLOT_TTL: int = _positive(
    "VIDFLOW_USER_SLOT_TTL", _read("VIDFLOW_USER_SLOT_TTL", "int", default=60)
)
VIDFLOW_USER_SLOT_WAIT: float = _read("VIDFLOW_USER_SLOT_WAIT", "float", default=2.0)
if VIDFLOW_USER_SLOTS < 0 or VIDFLOW_USER_SLOT_WAIT <= 0:
    raise ImproperlyConfigured(
        "Environment variable VIDFLOW_USER_SLOTS must be >= 0 (0: no cap) and "
        "VIDFLOW_USER_SLOT_WAIT > 0"
    )
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Worker leases (projects/pipeline/leases.py): a task at work on a run refreshes its lease every
# RUN_HEARTBEAT_SECONDS; the reaper, every RUN_REAPER_SECONDS, sends again the work of any lease
# not refreshed for RUN_LEASE_SECONDS (its worker is gone). A killed worker's work is noticed
# within lease + reaper (40 + 15 s) and the re-sent task reaches a free worker within seconds:
# RUN_RECOVERY_SECONDS (60 s by default) is the figure the README states and
# tests/projects/test_worker_lost.py holds it to. Work started RUN_WORKER_ATTEMPTS times without
# finishing (it keeps killing its worker) fails instead, and is refunded.
RUN_HEARTBEAT_SECONDS: int = _positive(
    "RUN_HEARTBEAT_SECONDS", _read("RUN_HEARTBEAT_SECONDS", "int", default=10)
)
RUN_LEASE_SECONDS: int = _positive(
    "RUN_LEASE_SECONDS", _read("RUN_LEASE_SECONDS", "int", default=40)
)
RUN_REAPER_SECONDS: int = _positive(
    "RUN_REAPER_SECONDS", _read("RUN_REAPER_SECONDS", "int", default=15)
)
RUN_WORKER_ATTEMPTS: int = _positive(
    "RUN_WORKER_ATTEMPTS", _read("RUN_WORKER_ATTEMPTS", "int", default=3)
)
RUN_RECOVERY_SECONDS: int = RUN_LEASE_SECONDS + RUN_REAPER_SECONDS + 5
CELERY_BEAT_SCHEDULE = {
    "reap-overdue-runs": {
        "task": "projects.tasks.reap_runs_task",
        "schedule": float(RUN_REAPER_SECONDS),
    },
    "poll-overdue-vendor-jobs": {"task": "projects.tasks.poll_vendor_jobs_task", "schedule": 60.0},
    "purge-idempotency-keys": {"task": "projects.tasks.purge_idempotency_task", "schedule": 3600.0},
    "sweep-device-grants": {
        "task": "oauth_device.tasks.sweep_device_grants_task",
        "schedule": 900.0,
    },
    "clear-expired-tokens": {
        "task": "oauth_device.tasks.clear_expired_tokens_task",
        "schedule": 86400.0,
    },
    # Webhook attempts due later than a countdown may wait (WEBHOOKS_COUNTDOWN_LIMIT).
    "dispatch-due-webhooks": {
        "task": "webhooks.tasks.webhooks_dispatch_due_task",
        "schedule": 30.0,
    },
    "purge-webhook-deliveries": {"task": "webhooks.tasks.webhooks_purge_task", "schedule": 86400.0},
}

# --- outbound webhooks (webhooks/) -----------------------------------------------------------
# Destinations on private, loopback, link-local or reserved addresses are refused, when an
# endpoint is saved and at every attempt; WEBHOOKS_ALLOW_PRIVATE=1 allows them (local development
# and the tests, whose receiver listens on 127.0.0.1). Never in production.
WEBHOOKS_ALLOW_PRIVATE: bool = _bool("WEBHOOKS_ALLOW_PRIVATE", default=False)
# Seconds an attempt may take (connecting at most 5 of them).
WEBHOOKS_TIMEOUT: float = _read("WEBHOOKS_TIMEOUT", "float", default=10.0)
# Attempts per message, and the first retry's wait in seconds (each later one waits 4x longer, at
# most 12 h, +-20 % jitter): 9 and 10 spread them over about 27 hours (README, "Webhooks").
WEBHOOKS_MAX_ATTEMPTS: int = _positive(
    "WEBHOOKS_MAX_ATTEMPTS", _read("WEBHOOKS_MAX_ATTEMPTS", "int", default=9)
)
WEBHOOKS_RETRY_BASE_SECONDS: float = _read("WEBHOOKS_RETRY_BASE_SECONDS", "float", default=10.0)
# Deliveries in a row failing every attempt before the endpoint is turned off (with a notice).
WEBHOOKS_DISABLE_AFTER: int = _positive(
    "WEBHOOKS_DISABLE_AFTER", _read("WEBHOOKS_DISABLE_AFTER", "int", default=3)
)
if WEBHOOKS_TIMEOUT <= 0 or WEBHOOKS_RETRY_BASE_SECONDS <= 0:
    raise ImproperlyConfigured("WEBHOOKS_TIMEOUT and WEBHOOKS_RETRY_BASE_SECONDS must be > 0")
# A retry due within this many seconds is queued with a countdown; a later one waits in the
# database for the periodic sweep (a countdown longer than the broker's visibility timeout would
# be delivered again and again by Redis).
WEBHOOKS_COUNTDOWN_LIMIT: int = min(300, CELERY_BROKER_VISIBILITY_TIMEOUT // 2)

if CELERY_TASK_SOFT_TIME_LIMIT >= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "CELERY_TASK_SOFT_TIME_LIMIT must be below CELERY_TASK_TIME_LIMIT "
        f"({CELERY_TASK_SOFT_TIME_LIMIT} >= {CELERY_TASK_TIME_LIMIT})"
    )
if CELERY_BROKER_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "CELERY_BROKER_VISIBILITY_TIMEOUT must exceed CELERY_TASK_TIME_LIMIT, or a slow task is "
        f"delivered twice ({CELERY_BROKER_VISIBILITY_TIMEOUT} <= {CELERY_TASK_TIME_LIMIT})"
    )
if RUN_LEASE_SECONDS < 3 * RUN_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        "RUN_LEASE_SECONDS must be at least three RUN_HEARTBEAT_SECONDS, or a worker that is only "
        f"slow loses its work ({RUN_LEASE_SECONDS} < 3 x {RUN_HEARTBEAT_SECONDS})"
    )
if RUN_RECOVERY_SECONDS >= CELERY_BROKER_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        "RUN_LEASE_SECONDS + RUN_REAPER_SECONDS (+ 5) must stay below "
        "CELERY_BROKER_VISIBILITY_TIMEOUT: leases are the quick recovery, the broker the backstop "
        f"({RUN_RECOVERY_SECONDS} >= {CELERY_BROKER_VISIBILITY_TIMEOUT})"
    )

# --- logging --------------------------------------------------------------------------------
LOG_LEVEL: str = _read("LOG_LEVEL", "str", default="INFO")
# plain: a line for people; json: one JSON object a line, for a log collector (vidflow/logs.py).
# Either way every line written while a task works on a run carries its id (run_id).
LOG_FORMAT: str = _read("LOG_FORMAT", "str", default="plain").strip().lower()
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(
        f"Environment variable LOG_FORMAT must be plain or json, got {LOG_FORMAT!r}"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"run_id": {"()": "vidflow.logs.RunIdFilter"}},
    "formatters": {
        "plain": {
            "()": "vidflow.logs.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
        },
        "json": {"()": "vidflow.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["run_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- production hardening -------------------------------------------------------------------
# Behind a TLS-terminating reverse proxy (and only then: any client can send the header), say so
# with BEHIND_TLS_PROXY=1 and the proxy's X-Forwarded-Proto decides whether a request is HTTPS.
# The proxy must set (overwrite) that header on every request.
BEHIND_TLS_PROXY: bool = _bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Production over HTTPS (README, "Deploying"): SECURE_SSL_REDIRECT=1 sends plain HTTP to HTTPS
# (the health probes excepted: a load balancer asks over plain HTTP), SECURE_HSTS_SECONDS tells
# browsers to use nothing but HTTPS for that long, SECURE_COOKIES=1 (above) keeps the session
# and CSRF cookies off plain HTTP. `manage.py check --deploy` is clean with the README's values.
SECURE_SSL_REDIRECT: bool = _bool("SECURE_SSL_REDIRECT", default=False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS: int = _read("SECURE_HSTS_SECONDS", "int", default=0)
if SECURE_HSTS_SECONDS < 0:
    raise ImproperlyConfigured("Environment variable SECURE_HSTS_SECONDS must be >= 0")
SECURE_HSTS_INCLUDE_SUBDOMAINS: bool = _bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD: bool = _bool("SECURE_HSTS_PRELOAD", default=False)

# --- credits --------------------------------------------------------------------------------
# Credits per operation. Suggestions (title ideas, publish suggestions) are free. The defaults let
# the 50 credits of a new account make one complete one-minute video of about twelve shots with
# the offline providers (tests/billing/test_prices.py adds it up), with some left to regenerate.
SIGNUP_CREDITS: int = _read("SIGNUP_CREDITS", "int", default=50)
CREDIT_PRICES: dict[str, int] = {
    "script.outline": 1,
    "script.hook": 1,
    "script.chapters": 2,  # narration for every chapter; one chapter costs script.chapter
    "script.chapter": 1,
    "script.analyze": 1,
    "visual_bible.variation": 1,  # per character or location drawn
    "voiceover.minute": 2,  # per started minute of narration
    "music": 1,
    "shot.image": 1,
    "shot.video": 1,  # the video step of an image or video shot
    "shot.talking_head": 2,  # the video step of a talking-head shot
    "render": 3,
    "thumbnail": 1,
    "publish.youtube": 0,
}
CREDIT_PRICES.update(_read("CREDIT_PRICES_JSON", "json", default={}))
for _op, _price in CREDIT_PRICES.items():
    if not isinstance(_price, int) or _price < 0:
        raise ImproperlyConfigured(
            f"Environment variable CREDIT_PRICES_JSON: price of {_op!r} must be a whole number >= 0"
        )

# Long polls (GET /api/runs/{id}?wait=) a user may hold at once across processes, and a web
# process at once whoever holds them: beyond either a poll answers at once (vidflow/longpoll.py).
# Keep the per-process figure below the server's threads (make run: 16 threads, 8 for polls).
LONG_POLL_MAX_PER_USER: int = _positive(
    "LONG_POLL_MAX_PER_USER", _read("LONG_POLL_MAX_PER_USER", "int", default=4)
)
LONG_POLL_MAX_PER_PROCESS: int = _positive(
    "LONG_POLL_MAX_PER_PROCESS", _read("LONG_POLL_MAX_PER_PROCESS", "int", default=8)
)

# ``asyncVideo: false`` holds a shot request open at most this long, then answers with the run.
SHOT_SYNC_WAIT_SECONDS: int = _positive(
    "SHOT_SYNC_WAIT_SECONDS", _read("SHOT_SYNC_WAIT_SECONDS", "int", default=300)
)

# The visual bible run extracts characters and locations from the narration and draws a first
# variation of each, at most this many of each kind. It is charged for all of them up front
# (visual_bible.variation each) and refunds the drawings it did not make (projects/stages/
# visual_bible.py explains the rule).
VISUAL_BIBLE_MAX_CHARACTERS: int = _read("VISUAL_BIBLE_MAX_CHARACTERS", "int", default=4)
VISUAL_BIBLE_MAX_LOCATIONS: int = _read("VISUAL_BIBLE_MAX_LOCATIONS", "int", default=3)
for _name, _cap in (
    ("VISUAL_BIBLE_MAX_CHARACTERS", VISUAL_BIBLE_MAX_CHARACTERS),
    ("VISUAL_BIBLE_MAX_LOCATIONS", VISUAL_BIBLE_MAX_LOCATIONS),
):
    if not 0 <= _cap <= 20:
        raise ImproperlyConfigured(f"Environment variable {_name} must be 0..20, got {_cap}")
if VISUAL_BIBLE_MAX_CHARACTERS + VISUAL_BIBLE_MAX_LOCATIONS == 0:
    raise ImproperlyConfigured(
        "VISUAL_BIBLE_MAX_CHARACTERS and VISUAL_BIBLE_MAX_LOCATIONS cannot both be 0"
    )

# Words a minute chapters are written to and voiceovers priced by; 0 (the default) takes the
# speech provider's own pace, so a 60-second target makes about a minute of narration.
NARRATION_WORDS_PER_MINUTE: int = _read("NARRATION_WORDS_PER_MINUTE", "int", default=0)
if not (NARRATION_WORDS_PER_MINUTE == 0 or 60 <= NARRATION_WORDS_PER_MINUTE <= 400):
    raise ImproperlyConfigured(
        "Environment variable NARRATION_WORDS_PER_MINUTE must be 0 (the voice's own pace) or "
        f"60..400, got {NARRATION_WORDS_PER_MINUTE}"
    )

# The offline voice used when none is chosen: "kokoro" (natural, the default) or "piper" (the
# fast one: about 10x quicker, English only; `make test` uses it, tests that need Kokoro ask).
OFFLINE_VOICE: str = _read("OFFLINE_VOICE", "str", default="kokoro").strip().lower()
if OFFLINE_VOICE not in ("kokoro", "piper"):
    raise ImproperlyConfigured(
        f"Environment variable OFFLINE_VOICE must be kokoro or piper, got {OFFLINE_VOICE!r}"
    )

# --- providers and vendors ------------------------------------------------------------------
# Which provider does each capability (vendors/registry.py lists the choices). Offline providers
# make real media on this machine; the others call a vendor over HTTP.
VIDFLOW_PROVIDERS: dict[str, str] = {
    capability: _read(f"PROVIDER_{capability.upper()}", "str", default=default)
    for capability, default in {
        "text": "offline",
        "image": "offline",
        "video": "offline",
        "talking_head": "offline",
        "speech": "offline",
        "timings": "offline",
        "music": "offline",
        "research": "manual",
        "publish": "youtube",
    }.items()
}
# The creator's own pictures and clips (shot media, bible references): checked before anything
# is stored. Bytes per kind, pixels of a picture or of one video frame, seconds of a clip.
UPLOAD_MAX_IMAGE_BYTES: int = _positive(
    "UPLOAD_MAX_IMAGE_BYTES", _read("UPLOAD_MAX_IMAGE_BYTES", "int", default=20_000_000)
)
UPLOAD_MAX_VIDEO_BYTES: int = _positive(
    "UPLOAD_MAX_VIDEO_BYTES", _read("UPLOAD_MAX_VIDEO_BYTES", "int", default=200_000_000)
)
UPLOAD_MAX_PIXELS: int = _positive(
    "UPLOAD_MAX_PIXELS", _read("UPLOAD_MAX_PIXELS", "int", default=40_000_000)
)
UPLOAD_MAX_VIDEO_SECONDS: int = _positive(
    "UPLOAD_MAX_VIDEO_SECONDS", _read("UPLOAD_MAX_VIDEO_SECONDS", "int", default=600)
)
# The offline pictures' icon store, built by `make install` (scripts/pictures.sh).
OFFLINE_PICTURES_DIR: str = _read(
    "OFFLINE_PICTURES_DIR", "str", default=str(BASE_DIR / "var" / "pictures")
)
# VENDOR_SIMULATOR=1 points every vendor at the in-repo simulator (python -m vendors.simulator),
# so the asynchronous vendor path can be watched by hand without any real vendor account.
VENDOR_SIMULATOR: bool = _bool("VENDOR_SIMULATOR", default=False)
VENDOR_SIMULATOR_URL: str = _read("VENDOR_SIMULATOR_URL", "str", default="http://127.0.0.1:8100")
_sim = VENDOR_SIMULATOR_URL.rstrip("/")
VENDOR_TIMEOUT: float = float(_read("VENDOR_TIMEOUT", "float", default=30.0))
VENDOR_MAX_RETRIES: int = _read("VENDOR_MAX_RETRIES", "int", default=4)
# A pending vendor job whose callback has not come after this many seconds is polled.
VENDOR_POLL_AFTER: int = _positive(
    "VENDOR_POLL_AFTER", _read("VENDOR_POLL_AFTER", "int", default=120)
)
KIE_BASE_URL: str = _read(
    "KIE_BASE_URL", "str", default=f"{_sim}/kie" if VENDOR_SIMULATOR else "https://api.kie.ai"
)
KIE_API_KEY: str = _read("KIE_API_KEY", "str", default="sim-kie-key" if VENDOR_SIMULATOR else "")
KIE_WEBHOOK_HMAC_KEY: str = _read("KIE_WEBHOOK_HMAC_KEY", "str", default="")
KIE_IMAGE_MODEL: str = _read("KIE_IMAGE_MODEL", "str", default="google/nano-banana")
KIE_VIDEO_MODEL: str = _read("KIE_VIDEO_MODEL", "str", default="kling/v2-1-standard")
WAVESPEED_BASE_URL: str = _read(
    "WAVESPEED_BASE_URL",
    "str",
    default=f"{_sim}/wavespeed" if VENDOR_SIMULATOR else "https://api.wavespeed.ai",
)
WAVESPEED_API_KEY: str = _read(
    "WAVESPEED_API_KEY", "str", default="sim-ws-key" if VENDOR_SIMULATOR else ""
)
WAVESPEED_WEBHOOK_SECRET: str = _read("WAVESPEED_WEBHOOK_SECRET", "str", default="")
WAVESPEED_MODEL: str = _read("WAVESPEED_MODEL", "str", default="wavespeed-ai/infinitetalk")
ASSEMBLYAI_BASE_URL: str = _read(
    "ASSEMBLYAI_BASE_URL",
    "str",
    default=f"{_sim}/assemblyai" if VENDOR_SIMULATOR else "https://api.assemblyai.com",
)
ASSEMBLYAI_API_KEY: str = _read(
    "ASSEMBLYAI_API_KEY", "str", default="sim-aai-key" if VENDOR_SIMULATOR else ""
)
OPENAI_BASE_URL: str = _read(
    "OPENAI_BASE_URL",
    "str",
    default=f"{_sim}/openai/v1" if VENDOR_SIMULATOR else "https://api.openai.com/v1",
)
OPENAI_API_KEY: str = _read(
    "OPENAI_API_KEY", "str", default="sim-openai-key" if VENDOR_SIMULATOR else ""
)
OPENAI_MODEL: str = _read("OPENAI_MODEL", "str", default="gpt-4o-mini")
# How to ask for JSON: "auto" tries json_schema, then json_object (the schema in the prompt), then
# plain text read tolerantly, and remembers what the server accepted; or one of them, fixed.
OPENAI_STRUCTURED_OUTPUT: str = _read("OPENAI_STRUCTURED_OUTPUT", "str", default="auto")
if OPENAI_STRUCTURED_OUTPUT not in ("auto", "json_schema", "json_object", "text"):
    raise ImproperlyConfigured(
        "Environment variable OPENAI_STRUCTURED_OUTPUT must be auto, json_schema, json_object or "
        f"text, got {OPENAI_STRUCTURED_OUTPUT!r}"
    )
OPENAI_TTS_MODEL: str = _read("OPENAI_TTS_MODEL", "str", default="gpt-4o-mini-tts")
ELEVENLABS_BASE_URL: str = _read(
    "ELEVENLABS_BASE_URL",
    "str",
    default=f"{_sim}/elevenlabs" if VENDOR_SIMULATOR else "https://api.elevenlabs.io",
)
ELEVENLABS_API_KEY: str = _read(
    "ELEVENLABS_API_KEY", "str", default="sim-el-key" if VENDOR_SIMULATOR else ""
)
ELEVENLABS_MODEL: str = _read("ELEVENLABS_MODEL", "str", default="eleven_multilingual_v2")
YOUTUBE_API_BASE_URL: str = _read(
    "YOUTUBE_API_BASE_URL",
    "str",
    default=f"{_sim}/youtube" if VENDOR_SIMULATOR else "https://www.googleapis.com",
)
# Google OAuth 2.0 (web server flow) for connecting a channel's YouTube account to publish.
GOOGLE_CLIENT_ID: str = _read(
    "GOOGLE_CLIENT_ID",
    "str",
    default="sim-google-client.apps.googleusercontent.com" if VENDOR_SIMULATOR else "",
)
GOOGLE_CLIENT_SECRET: str = _read(
    "GOOGLE_CLIENT_SECRET", "str", default="sim-google-secret" if VENDOR_SIMULATOR else ""
)
GOOGLE_AUTH_URL: str = _read(
    "GOOGLE_AUTH_URL",
    "str",
    default=f"{_sim}/google/o/oauth2/v2/auth"
    if VENDOR_SIMULATOR
    else "https://accounts.google.com/o/oauth2/v2/auth",
)
GOOGLE_TOKEN_URL: str = _read(
    "GOOGLE_TOKEN_URL",
    "str",
    default=f"{_sim}/google/token" if VENDOR_SIMULATOR else "https://oauth2.googleapis.com/token",
)
YOUTUBE_API_KEY: str = _read(
    "YOUTUBE_API_KEY", "str", default="sim-yt-key" if VENDOR_SIMULATOR else ""
)
# Stock photo libraries (PROVIDER_IMAGE=pexels|pixabay).
PEXELS_BASE_URL: str = _read(
    "PEXELS_BASE_URL",
    "str",
    default=f"{_sim}/pexels" if VENDOR_SIMULATOR else "https://api.pexels.com",
)
PEXELS_API_KEY: str = _read(
    "PEXELS_API_KEY", "str", default="sim-pexels-key" if VENDOR_SIMULATOR else ""
)
PIXABAY_BASE_URL: str = _read(
    "PIXABAY_BASE_URL",
    "str",
    default=f"{_sim}/pixabay" if VENDOR_SIMULATOR else "https://pixabay.com",
)
PIXABAY_API_KEY: str = _read(
    "PIXABAY_API_KEY", "str", default="sim-pixabay-key" if VENDOR_SIMULATOR else ""
)

# How the HTTP adapters behave (vendors/http/client.py). Retries apply to 429, 5xx and network
# errors; waits grow exponentially from VENDOR_RETRY_BASE_DELAY with full jitter, honour
# Retry-After, and never exceed VENDOR_RETRY_MAX_DELAY (a longer Retry-After ends the attempts
# and leaves the retry to the task).
VENDOR_RETRY_BASE_DELAY: float = _read("VENDOR_RETRY_BASE_DELAY", "float", default=1.0)
VENDOR_RETRY_MAX_DELAY: float = _read("VENDOR_RETRY_MAX_DELAY", "float", default=30.0)
# Result files larger than this are refused while downloading (bytes).
VENDOR_MAX_DOWNLOAD_BYTES: int = _positive(
    "VENDOR_MAX_DOWNLOAD_BYTES",
    _read("VENDOR_MAX_DOWNLOAD_BYTES", "int", default=512 * 1024 * 1024),
)
# Without a callback target an asynchronous adapter polls until done (seconds between polls,
# and how long it waits at most).
VENDOR_POLL_INTERVAL: float = _read("VENDOR_POLL_INTERVAL", "float", default=5.0)
VENDOR_SYNC_TIMEOUT: float = _read("VENDOR_SYNC_TIMEOUT", "float", default=900.0)
# A signed callback older (or newer) than this many seconds is refused as a replay.
VENDOR_WEBHOOK_MAX_AGE: int = _positive(
    "VENDOR_WEBHOOK_MAX_AGE", _read("VENDOR_WEBHOOK_MAX_AGE", "int", default=300)
)
if VENDOR_MAX_RETRIES < 0 or VENDOR_TIMEOUT <= 0 or VENDOR_RETRY_BASE_DELAY < 0:
    raise ImproperlyConfigured(
        "VENDOR_MAX_RETRIES and VENDOR_RETRY_BASE_DELAY must be >= 0 and VENDOR_TIMEOUT > 0"
    )
# Credit packs for sale through Stripe Checkout (billing/payments.py). ``price`` is in the smallest
# unit of CREDIT_PACK_CURRENCY (cents). Purchases are on only when STRIPE_SECRET_KEY and
# STRIPE_WEBHOOK_SECRET are both set; without them the "Buy credits" page says purchases are off
# and staff grants are the way to add credits.
CREDIT_PACKS: list[dict[str, Any]] = _read(
    "CREDIT_PACKS_JSON",
    "json",
    default=[
        {"id": "starter", "name": "Starter", "credits": 100, "price": 300},
        {"id": "creator", "name": "Creator", "credits": 500, "price": 1000},
        {"id": "studio", "name": "Studio", "credits": 2000, "price": 3400},
    ],
)
CREDIT_PACK_CURRENCY: str = _read("CREDIT_PACK_CURRENCY", "str", default="usd").lower()
if not isinstance(CREDIT_PACKS, list):
    raise ImproperlyConfigured("Environment variable CREDIT_PACKS_JSON must be a JSON list")
_pack_ids: set[str] = set()
for _pack in CREDIT_PACKS:
    if not (
        isinstance(_pack, dict)
        and isinstance(_pack.get("id"), str)
        and re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", _pack["id"])
        and _pack["id"] not in _pack_ids
        and isinstance(_pack.get("credits"), int)
        and _pack["credits"] > 0
        and isinstance(_pack.get("price"), int)
        and _pack["price"] > 0
    ):
        raise ImproperlyConfigured(
            "Environment variable CREDIT_PACKS_JSON: each pack needs a unique lower-case id, "
            f"credits > 0 and price > 0 (in cents), got {_pack!r}"
        )
    _pack.setdefault("name", _pack["id"].title())
    _pack_ids.add(_pack["id"])
STRIPE_SECRET_KEY: str = _read(
    "STRIPE_SECRET_KEY", "str", default="sk_test_sim" if VENDOR_SIMULATOR else ""
)
STRIPE_WEBHOOK_SECRET: str = _read(
    "STRIPE_WEBHOOK_SECRET", "str", default="whsec_sim" if VENDOR_SIMULATOR else ""
)
STRIPE_API_BASE: str = _read(
    "STRIPE_API_BASE",
    "str",
    default=f"{_sim}/stripe" if VENDOR_SIMULATOR else "https://api.stripe.com",
).rstrip("/")
# A webhook whose signed timestamp is further than this from now is refused (a replay).
STRIPE_WEBHOOK_TOLERANCE: int = _positive(
    "STRIPE_WEBHOOK_TOLERANCE", _read("STRIPE_WEBHOOK_TOLERANCE", "int", default=300)
)

KIE_MUSIC_MODEL: str = _read("KIE_MUSIC_MODEL", "str", default="V4_5")
WAVESPEED_RESOLUTION: str = _read("WAVESPEED_RESOLUTION", "str", default="480p")
# AssemblyAI sends this header, with the job's own secret as its value, on every webhook.
ASSEMBLYAI_WEBHOOK_HEADER: str = _read(
    "ASSEMBLYAI_WEBHOOK_HEADER", "str", default="X-VidFlow-Webhook-Secret"
)
ELEVENLABS_VOICE_ID: str = _read("ELEVENLABS_VOICE_ID", "str", default="21m00Tcm4TlvDq8ikWAM")
OPENAI_TTS_VOICE: str = _read("OPENAI_TTS_VOICE", "str", default="alloy")
OPENAI_MAX_TOKENS: int = _read("OPENAI_MAX_TOKENS", "int", default=4096)
# The resumable upload sends the video in chunks of this size (a multiple of 256 KiB).
YOUTUBE_UPLOAD_CHUNK_BYTES: int = _read(
    "YOUTUBE_UPLOAD_CHUNK_BYTES", "int", default=8 * 1024 * 1024
)
if YOUTUBE_UPLOAD_CHUNK_BYTES <= 0 or YOUTUBE_UPLOAD_CHUNK_BYTES % (256 * 1024):
    raise ImproperlyConfigured(
        "Environment variable YOUTUBE_UPLOAD_CHUNK_BYTES must be a positive multiple of 262144"
    )
# Outlier research: how far back to search, and how many recent uploads make a channel's median.
YOUTUBE_SEARCH_DAYS: int = _read("YOUTUBE_SEARCH_DAYS", "int", default=180)
YOUTUBE_MEDIAN_SAMPLE: int = _read("YOUTUBE_MEDIAN_SAMPLE", "int", default=20)
