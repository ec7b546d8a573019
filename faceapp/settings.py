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

# Instagram: "Log in with Instagram" (social-auth-app-django) and the feed crawl (indexing/instagram/).
# With INSTAGRAM_EMULATOR_URL set, the same code talks to the project's Instagram emulator instead.
INSTALLED_APPS += ["social_django"]
MIDDLEWARE += ["social_django.middleware.SocialAuthExceptionMiddleware"]
TEMPLATES[0]["OPTIONS"]["context_processors"] += ["social_django.context_processors.backends"]
AUTHENTICATION_BACKENDS = ["indexing.instagram.backend.InstagramLogin", "django.contrib.auth.backends.ModelBackend"]
INSTAGRAM_EMULATOR_URL = env.str("INSTAGRAM_EMULATOR_URL", default="").rstrip("/")
INSTAGRAM_AUTHORIZE_URL = env.str("INSTAGRAM_AUTHORIZE_URL", default=f"{INSTAGRAM_EMULATOR_URL}/oauth/authorize"
                                  if INSTAGRAM_EMULATOR_URL else "https://www.instagram.com/oauth/authorize")
INSTAGRAM_TOKEN_URL = env.str("INSTAGRAM_TOKEN_URL", default=f"{INSTAGRAM_EMULATOR_URL}/oauth/access_token"
                              if INSTAGRAM_EMULATOR_URL else "https://api.instagram.com/oauth/access_token")
INSTAGRAM_GRAPH_URL = env.str("INSTAGRAM_GRAPH_URL", default=INSTAGRAM_EMULATOR_URL or "https://graph.instagram.com")
SOCIAL_AUTH_INSTAGRAM_KEY = env.str("INSTAGRAM_APP_ID", default="")
SOCIAL_AUTH_INSTAGRAM_SECRET = env.str("INSTAGRAM_APP_SECRET", default="")
SOCIAL_AUTH_INSTAGRAM_AUTHORIZATION_URL = INSTAGRAM_AUTHORIZE_URL
SOCIAL_AUTH_INSTAGRAM_ACCESS_TOKEN_URL = INSTAGRAM_TOKEN_URL
SOCIAL_AUTH_INSTAGRAM_GRAPH_URL = INSTAGRAM_GRAPH_URL
SOCIAL_AUTH_URL_NAMESPACE = "social"
SOCIAL_AUTH_LOGIN_REDIRECT_URL = "/"
SOCIAL_AUTH_LOGIN_ERROR_URL = "/accounts/login/"
SOCIAL_AUTH_REDIRECT_IS_HTTPS = env.bool("SOCIAL_AUTH_REDIRECT_IS_HTTPS", default=False)
SOCIAL_AUTH_REQUESTS_TIMEOUT = env.float("INSTAGRAM_HTTP_TIMEOUT", default=20.0)
SOCIAL_AUTH_PIPELINE = (
    "social_core.pipeline.social_auth.social_details",
    "social_core.pipeline.social_auth.social_names",
    "social_core.pipeline.social_auth.social_uid",
    "social_core.pipeline.social_auth.auth_allowed",
    "social_core.pipeline.social_auth.social_user",
    "social_core.pipeline.user.get_username",
    "social_core.pipeline.user.create_user",
    "social_core.pipeline.social_auth.associate_user",
    "social_core.pipeline.social_auth.load_extra_data",
    "social_core.pipeline.user.user_details",
    "indexing.instagram.accounts.on_instagram_login",  # the saved token is there: start the crawl
)
INSTAGRAM_QUEUE = env.str("INSTAGRAM_QUEUE", default="celery")  # the Celery queue of the crawl tasks
INSTAGRAM_PAGE_SIZE = env.int("INSTAGRAM_PAGE_SIZE", default=25)
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
    "instagram-refresh-tokens": {"task": "indexing.tasks.instagram_refresh_tokens", "schedule": 6 * 3600,
                                 "options": {"queue": INSTAGRAM_QUEUE}},
    "instagram-recrawl": {"task": "indexing.tasks.instagram_recrawl", "schedule": INSTAGRAM_RECRAWL_MINUTES * 60,
                          "options": {"queue": INSTAGRAM_QUEUE}},
    "instagram-resume-stalled": {"task": "indexing.tasks.instagram_resume_stalled",
                                 "schedule": max(1, INSTAGRAM_STALL_SECONDS // 2),
                                 "options": {"queue": INSTAGRAM_QUEUE}},
}
