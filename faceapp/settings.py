"""All settings, read from the environment (see .env.example); defaults run on a laptop offline."""

import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; the real environment wins

VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY or SECRET_KEY_FILE; otherwise a development key generated once under var/."""
    if env.str("SECRET_KEY", default=""):
        return env.str("SECRET_KEY")
    if env.str("SECRET_KEY_FILE", default=""):
        return Path(env.str("SECRET_KEY_FILE")).read_text().strip()
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "indexing.moderation.admin_site.AdminConfig",  # django.contrib.admin, its app list kept per process
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "faceapp.apps.FaceappConfig",
    "indexing",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "faceapp.middleware.RequestSizeLimitMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "faceapp.middleware.InactiveUserLogoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "faceapp.urls"
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
                "indexing.instagram.context_processors.instagram",
                "search.context_processors.face_indexing",
            ],
        },
    },
]
WSGI_APPLICATION = "faceapp.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
# Each process keeps its connection across requests (seconds; 0: a new one per request). Opening one cost
# ~2 ms of CPU a page on SQLite (its functions registered again, its page cache cold); checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Web, workers and commands write at once: wait for the lock instead of failing at once.
    # WAL: readers never wait for a writer, and a commit appends to the log instead of syncing the
    # database file (synchronous=NORMAL is durable in WAL mode except for the last commits on power loss).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # A file, not memory, so that the Celery worker the tests start sees the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# The login-throttling backend stays first; login backends (ModelBackend, OAuth) follow it.
AUTHENTICATION_BACKENDS = ["faceapp.auth.LoginThrottleBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: files go through owner-checking views

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Uploads: the engine refuses more than this many bytes or pixels per image.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=50 * 1024 * 1024)
UPLOAD_MAX_PIXELS = env.int("UPLOAD_MAX_PIXELS", default=100_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# The face engine
FACE_ENGINE = env.str("FACE_ENGINE", default="local")
if FACE_ENGINE not in ("local", "rekognition"):
    raise environ.ImproperlyConfigured("FACE_ENGINE must be 'local' or 'rekognition'")
FACE_MODEL = env.str("FACE_MODEL", default="arcface")
if FACE_MODEL not in ("arcface", "dlib"):
    raise environ.ImproperlyConfigured("FACE_MODEL must be 'arcface' or 'dlib'")
FACE_MODEL_DIR = env.str("FACE_MODEL_DIR", default="") or None
# Look for faces down to ~32 px in large photos (a third detection pass; arcface only).
FACE_SMALL_FACES = env.bool("FACE_SMALL_FACES", default=True)
FACE_COLLECTION_PREFIX = env.str("FACE_COLLECTION_PREFIX", default="faceapp-user-")
FACE_MATCH_THRESHOLD = env.float("FACE_MATCH_THRESHOLD", default=80.0)
# The local engine's search index files, shared by the processes of one machine (memory-mapped).
FACE_INDEX_DIR = env.str("FACE_INDEX_DIR", default="") or str(VAR_DIR / "face-index")

# Celery on the Redis-compatible server that `make run` embeds (valkey on port 6390).
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6390/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection after every task unless this many tasks went by;
# faceapp/celery.py closes it as Django's requests do instead (CONN_MAX_AGE, errors).
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# The Rekognition engine (FACE_ENGINE=rekognition). Whatever is left empty comes from boto3's own
# chain: AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws, an
# instance or task role, AWS_ENDPOINT_URL_REKOGNITION. Throttling and 5xx answers are retried by
# botocore in AWS_RETRY_MODE (standard or adaptive) up to AWS_MAX_ATTEMPTS attempts in all.
AWS_REKOGNITION_ENDPOINT_URL = env.str("AWS_REKOGNITION_ENDPOINT_URL", default="") or None
AWS_REKOGNITION_REGION = env.str("AWS_REKOGNITION_REGION", default=env.str("AWS_REGION", default="")) or None
AWS_REKOGNITION_ACCESS_KEY_ID = env.str("AWS_REKOGNITION_ACCESS_KEY_ID", default="") or None
AWS_REKOGNITION_SECRET_ACCESS_KEY = env.str("AWS_REKOGNITION_SECRET_ACCESS_KEY", default="") or None
AWS_RETRY_MODE = env.str("AWS_RETRY_MODE", default="standard")
if AWS_RETRY_MODE not in ("standard", "adaptive"):
    raise environ.ImproperlyConfigured("AWS_RETRY_MODE must be 'standard' or 'adaptive'")
AWS_MAX_ATTEMPTS = env.int("AWS_MAX_ATTEMPTS", default=5)
# The Rekognition-compatible API of the local engine (/rekognition/): requests older or newer than
# this many seconds are refused, as AWS does.
REKOGNITION_API_MAX_CLOCK_SKEW = env.int("REKOGNITION_API_MAX_CLOCK_SKEW", default=15 * 60)

# Media on S3 (STORAGE=s3): originals, thumbnails and face crops in a private bucket, handed to
# their owner only as signed URLs that expire after AWS_QUERYSTRING_EXPIRE seconds.
STORAGE = env.str("STORAGE", default="local")
if STORAGE not in ("local", "s3"):
    raise environ.ImproperlyConfigured("STORAGE must be 'local' or 's3'")
S3_STORAGE = {
    "BACKEND": "storages.backends.s3.S3Storage",
    "OPTIONS": {
        "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME", default=""),
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        "access_key": env.str("AWS_S3_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("AWS_S3_SECRET_ACCESS_KEY", default="") or None,
        "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
        "location": env.str("AWS_LOCATION", default=""),
        "default_acl": env.str("AWS_DEFAULT_ACL", default="private") or None,  # empty: buckets without ACLs
        "querystring_auth": True,
        "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=300),
        "signature_version": "s3v4",
        "file_overwrite": False,  # two uploads of the same name must never replace each other
    },
}
if STORAGE == "s3":
    if not S3_STORAGE["OPTIONS"]["bucket_name"]:
        raise environ.ImproperlyConfigured("STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME")
    STORAGES["default"] = S3_STORAGE

# Privacy and security baseline. Production: DEBUG=false and HTTPS=true (behind a TLS proxy, also
# BEHIND_HTTPS_PROXY=true); `manage.py check --deploy` is then clean.
HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
if env.bool("BEHIND_HTTPS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=14 * 24 * 3600)

# Content security policy (django-csp): scripts and styles only from this site's static files, no
# inline script anywhere; style attributes are allowed (face boxes are placed with them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", *env.list("CSP_FORM_ACTION", default=[])],
        "upgrade-insecure-requests": HTTPS,
    },
}

# The shared cache (rate limits): a Redis database of its own, never the broker's.
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": env.str("CACHE_URL", default="redis://127.0.0.1:6390/1"),
    }
}
# Rate limits (django-ratelimit, see faceapp/limits.py): per user, or per address when logged out.
RATE_LIMIT_SEARCH = env.str("RATE_LIMIT_SEARCH", default="60/m")
RATE_LIMIT_UPLOAD = env.str("RATE_LIMIT_UPLOAD", default="600/m")
# Rekognition-compatible API: calls per access key and period, over it ThrottlingException (as AWS)
RATE_LIMIT_REKOGNITION = env.str("RATE_LIMIT_REKOGNITION", default="600/m")
RATE_LIMIT_TAGGING = env.str("RATE_LIMIT_TAGGING", default="60/m")  # tagging API calls per token
RATE_LIMIT_WEBHOOK = env.str("RATE_LIMIT_WEBHOOK", default="30/m")  # notifications per webhook
# A search image whose decode would cost more pixels than this is refused from its header (JPEGs count
# at 1/64: the decoder reads them at 1/8 scale); a 12-megapixel photo in any format passes.
SEARCH_MAX_DECODE_PIXELS = env.int("SEARCH_MAX_DECODE_PIXELS", default=24_000_000)
RATELIMIT_VIEW = "faceapp.limits.too_many_requests"

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username from one
# address, that pair is refused for LOGIN_LOCKOUT_MINUTES; a good login resets the count.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
LOGGING.setdefault("loggers", {})["axes"] = {"level": "WARNING"}  # lockouts, not a line per start

# Instagram: "Log in with Instagram" (social-auth-app-django) and the feed crawl (indexing/instagram/).
# With INSTAGRAM_EMULATOR_URL set, the same code talks to the project's Instagram emulator instead.
INSTALLED_APPS += ["social_django"]
MIDDLEWARE += ["social_django.middleware.SocialAuthExceptionMiddleware"]
TEMPLATES[0]["OPTIONS"]["context_processors"] += ["social_django.context_processors.backends"]
AUTHENTICATION_BACKENDS = [
    AUTHENTICATION_BACKENDS[0],
    "indexing.instagram.backend.InstagramLogin",
    *AUTHENTICATION_BACKENDS[1:],
]  # the login throttle stays first
INSTAGRAM_EMULATOR_URL = env.str("INSTAGRAM_EMULATOR_URL", default="").rstrip("/")
INSTAGRAM_AUTHORIZE_URL = env.str(
    "INSTAGRAM_AUTHORIZE_URL",
    default=f"{INSTAGRAM_EMULATOR_URL}/oauth/authorize"
    if INSTAGRAM_EMULATOR_URL
    else "https://www.instagram.com/oauth/authorize",
)
INSTAGRAM_TOKEN_URL = env.str(
    "INSTAGRAM_TOKEN_URL",
    default=f"{INSTAGRAM_EMULATOR_URL}/oauth/access_token"
    if INSTAGRAM_EMULATOR_URL
    else "https://api.instagram.com/oauth/access_token",
)
INSTAGRAM_GRAPH_URL = env.str("INSTAGRAM_GRAPH_URL", default=INSTAGRAM_EMULATOR_URL or "https://graph.instagram.com")
# "Log in with Instagram" posts a form that redirects to Instagram (or the emulator): let the CSP allow it.
CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
    "{0.scheme}://{0.netloc}".format(urlparse(INSTAGRAM_AUTHORIZE_URL))
)
SOCIAL_AUTH_INSTAGRAM_KEY = env.str("INSTAGRAM_APP_ID", default="")
SOCIAL_AUTH_INSTAGRAM_SECRET = env.str("INSTAGRAM_APP_SECRET", default="")
SOCIAL_AUTH_INSTAGRAM_AUTHORIZATION_URL = INSTAGRAM_AUTHORIZE_URL
SOCIAL_AUTH_INSTAGRAM_ACCESS_TOKEN_URL = INSTAGRAM_TOKEN_URL
SOCIAL_AUTH_INSTAGRAM_GRAPH_URL = INSTAGRAM_GRAPH_URL
# Graph API calls are pinned to this version (unversioned ones follow the dashboard); token endpoints are unversioned.
INSTAGRAM_GRAPH_VERSION = env.str("INSTAGRAM_GRAPH_VERSION", default="v23.0")
SOCIAL_AUTH_INSTAGRAM_GRAPH_VERSION = INSTAGRAM_GRAPH_VERSION
SOCIAL_AUTH_INSTAGRAM_LOGIN_ERROR_URL = "/instagram/refused/"  # says which refusal it was and what to do next
SOCIAL_AUTH_URL_NAMESPACE = "social"
SOCIAL_AUTH_LOGIN_REDIRECT_URL = "/"
SOCIAL_AUTH_LOGIN_ERROR_URL = "/accounts/login/"
SOCIAL_AUTH_REDIRECT_IS_HTTPS = env.bool("SOCIAL_AUTH_REDIRECT_IS_HTTPS", default=False)
SOCIAL_AUTH_REQUESTS_TIMEOUT = env.float("INSTAGRAM_HTTP_TIMEOUT", default=20.0)
# The "find the faces in my photos" consent ticked beside the login button reaches the pipeline.
SOCIAL_AUTH_FIELDS_STORED_IN_SESSION = ["face_indexing"]
SOCIAL_AUTH_PIPELINE = (
    "social_core.pipeline.social_auth.social_details",
    "social_core.pipeline.social_auth.social_names",
    "social_core.pipeline.social_auth.social_uid",
    "social_core.pipeline.social_auth.auth_allowed",
    "indexing.instagram.services.login.social_user_or_explain",  # social_user; a link held elsewhere is explained
    "social_core.pipeline.user.get_username",
    "social_core.pipeline.user.create_user",
    "social_core.pipeline.social_auth.associate_user",
    "social_core.pipeline.social_auth.load_extra_data",
    "social_core.pipeline.user.user_details",
    "indexing.instagram.services.login.on_instagram_login",  # the saved token is there: start the crawl
)
INSTAGRAM_QUEUE = env.str("INSTAGRAM_QUEUE", default="celery")  # the Celery queue of the crawl tasks
INSTAGRAM_PAGE_SIZE = env.int("INSTAGRAM_PAGE_SIZE", default=25)
INSTAGRAM_WALK_SECONDS = env.float("INSTAGRAM_WALK_SECONDS", default=60.0)  # one walk task reads pages this long
INSTAGRAM_DOWNLOAD_THREADS = env.int("INSTAGRAM_DOWNLOAD_THREADS", default=8)  # concurrent CDN downloads per batch
# The data-download import: chunked uploads land here; zip-bomb limits on what a ZIP may hold.
INSTAGRAM_UPLOAD_DIR = env.str("INSTAGRAM_UPLOAD_DIR", default="") or str(VAR_DIR / "instagram-uploads")
INSTAGRAM_UPLOAD_MAX_BYTES = env.int("INSTAGRAM_UPLOAD_MAX_BYTES", default=20 * 1024**3)  # per ZIP
INSTAGRAM_UPLOAD_CHUNK_BYTES = env.int("INSTAGRAM_UPLOAD_CHUNK_BYTES", default=8 * 1024**2)
# An upload neither finished nor imported for this long is deleted with its partial ZIP (a beat task, hourly).
INSTAGRAM_UPLOAD_KEEP_HOURS = env.int("INSTAGRAM_UPLOAD_KEEP_HOURS", default=48)
INSTAGRAM_EXPORT_MAX_ENTRIES = env.int("INSTAGRAM_EXPORT_MAX_ENTRIES", default=200_000)  # per ZIP
INSTAGRAM_EXPORT_MAX_UNCOMPRESSED = env.int("INSTAGRAM_EXPORT_MAX_UNCOMPRESSED", default=40 * 1024**3)  # per ZIP
INSTAGRAM_EXPORT_MAX_RATIO = env.int("INSTAGRAM_EXPORT_MAX_RATIO", default=100)  # uncompressed/compressed per entry
INSTAGRAM_HTTP_TIMEOUT = SOCIAL_AUTH_REQUESTS_TIMEOUT
INSTAGRAM_HTTP_RETRIES = env.int("INSTAGRAM_HTTP_RETRIES", default=3)  # per request, on 5xx and timeouts
INSTAGRAM_RETRY_BACKOFF = env.float("INSTAGRAM_RETRY_BACKOFF", default=2.0)  # seconds, doubled each attempt
INSTAGRAM_MAX_RETRIES = env.int("INSTAGRAM_MAX_RETRIES", default=5)  # per crawl step before the crawl fails
INSTAGRAM_RATE_LIMIT_WAIT = env.float("INSTAGRAM_RATE_LIMIT_WAIT", default=300.0)  # when Instagram gives no hint
INSTAGRAM_RECRAWL_MINUTES = env.int("INSTAGRAM_RECRAWL_MINUTES", default=360)
INSTAGRAM_TOKEN_REFRESH_DAYS = env.int("INSTAGRAM_TOKEN_REFRESH_DAYS", default=30)  # refresh when fewer are left
INSTAGRAM_STALL_SECONDS = env.int("INSTAGRAM_STALL_SECONDS", default=max(600, 2 * CELERY_TASK_TIME_LIMIT))
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "instagram-refresh-tokens": {
        "task": "indexing.tasks.instagram_refresh_tokens",
        "schedule": 6 * 3600,
        "options": {"queue": INSTAGRAM_QUEUE},
    },
    "instagram-recrawl": {
        "task": "indexing.tasks.instagram_recrawl",
        "schedule": INSTAGRAM_RECRAWL_MINUTES * 60,
        "options": {"queue": INSTAGRAM_QUEUE},
    },
    "instagram-uploads-prune": {
        "task": "indexing.tasks.instagram_uploads_prune",
        "schedule": 3600,
        "options": {"queue": INSTAGRAM_QUEUE},
    },
    "instagram-resume-stalled": {
        "task": "indexing.tasks.instagram_resume_stalled",
        "schedule": max(1, INSTAGRAM_STALL_SECONDS // 2),
        "options": {"queue": INSTAGRAM_QUEUE},
    },
}

# People (indexing/people/): auto-tagging uses each user's threshold (default FACE_MATCH_THRESHOLD);
# an unnamed face shows up to three candidates from PEOPLE_CANDIDATE_THRESHOLD; a new unnamed face is
# grouped when indexed with its neighbours at PEOPLE_CLUSTER_SIMILARITY or more (people/services/grouping.py),
# and cluster_faces regroups every face (DBSCAN, eps = 1 - PEOPLE_CLUSTER_SIMILARITY/100). 81.5 is cosine
# 0.362 (arcface): on faces-lfw purity 0.9985, completeness 0.9941, incremental and full alike; 85 (cosine
# 0.389) splits more people (completeness 0.985) and under 80 groups chain (79: purity 0.993, 75: 0.875;
# bench/people_clusters.py --lfw --similarity 75 79 80 81.5 85).
PEOPLE_CANDIDATE_THRESHOLD = env.float("PEOPLE_CANDIDATE_THRESHOLD", default=60.0)
PEOPLE_CLUSTER_SIMILARITY = env.float("PEOPLE_CLUSTER_SIMILARITY", default=81.5)
PEOPLE_CLUSTER_MIN_SIZE = env.int("PEOPLE_CLUSTER_MIN_SIZE", default=2)
# The full regrouping (cluster_faces) links each face to at most this many nearest faces.
PEOPLE_CLUSTER_NEIGHBOURS = env.int("PEOPLE_CLUSTER_NEIGHBOURS", default=32)
# The tagging API and its webhook
TAGGING_FETCH_MAX_BYTES = env.int("TAGGING_FETCH_MAX_BYTES", default=UPLOAD_MAX_BYTES)
TAGGING_FETCH_TIMEOUT = env.float("TAGGING_FETCH_TIMEOUT", default=15.0)
TAGGING_WEBHOOK_TOLERANCE = env.int("TAGGING_WEBHOOK_TOLERANCE", default=300)  # seconds of clock skew
# Hosts (host or host:port) fetched over plain http and on private addresses: for tests only.
TAGGING_ALLOW_HTTP_HOSTS = env.list("TAGGING_ALLOW_HTTP_HOSTS", default=[])
