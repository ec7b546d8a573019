"""All settings, read from the environment (see .env.example); defaults run on a laptop offline."""
import secrets
from pathlib import Path

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
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "faceapp.apps.FaceappConfig",
    "indexing",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
            ],
        },
    },
]
WSGI_APPLICATION = "faceapp.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Web, workers and commands write at once: wait for the lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 30, "transaction_mode": "IMMEDIATE"})
    # A file, not memory, so that the Celery worker the tests start sees the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
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
FACE_COLLECTION_PREFIX = env.str("FACE_COLLECTION_PREFIX", default="faceapp-user-")
FACE_MATCH_THRESHOLD = env.float("FACE_MATCH_THRESHOLD", default=80.0)

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

# People (indexing/people/): auto-tagging uses each user's threshold (default FACE_MATCH_THRESHOLD);
# an unnamed face shows up to three candidates from PEOPLE_CANDIDATE_THRESHOLD; the grouping of
# unnamed faces is DBSCAN on distance = 1 - similarity/100 with eps = 1 - PEOPLE_CLUSTER_SIMILARITY/100
# (85, not 80: DBSCAN chains neighbours, and at 80 LFW's 150 people chain into mixed groups; see
# bench/people_clusters.py).
PEOPLE_CANDIDATE_THRESHOLD = env.float("PEOPLE_CANDIDATE_THRESHOLD", default=60.0)
PEOPLE_CLUSTER_SIMILARITY = env.float("PEOPLE_CLUSTER_SIMILARITY", default=85.0)
PEOPLE_CLUSTER_MIN_SIZE = env.int("PEOPLE_CLUSTER_MIN_SIZE", default=2)
PEOPLE_CLUSTER_DELAY = env.int("PEOPLE_CLUSTER_DELAY", default=60)  # seconds after indexing; 0: never
# The tagging API and its webhook
TAGGING_FETCH_MAX_BYTES = env.int("TAGGING_FETCH_MAX_BYTES", default=UPLOAD_MAX_BYTES)
TAGGING_FETCH_TIMEOUT = env.float("TAGGING_FETCH_TIMEOUT", default=15.0)
TAGGING_WEBHOOK_TOLERANCE = env.int("TAGGING_WEBHOOK_TOLERANCE", default=300)  # seconds of clock skew
# Hosts (host or host:port) fetched over plain http and on private addresses: for tests only.
TAGGING_ALLOW_HTTP_HOSTS = env.list("TAGGING_ALLOW_HTTP_HOSTS", default=[])
