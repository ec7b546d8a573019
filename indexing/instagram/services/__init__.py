"""Instagram's writes: connected accounts and their token, the crawl of a feed, the import of data
downloads and their chunked uploads, Meta's app-removal and deletion callbacks, the login pipeline.

What the views, commands and other domains may call is named here; the modules behind it are
private to instagram (its tasks, tests and bench/ reach into them). Inside this package a module
imports its siblings directly, never this `__init__`, so that no import cycle closes through it.

- accounts: the token (server-side only), refresh, relogin;
- crawl: the crawl of a user's feed (a walk task, batch fetches);
- export_import and uploads: data downloads, uploaded in chunks, then imported;
- disconnect: the app removed from an account, or its data to delete;
- login: the steps of social-auth's pipeline (SOCIAL_AUTH_PIPELINE names them by module path).
"""

from .accounts import instagram_configured, token_for
from .crawl import crawl_start
from .disconnect import app_removed, deletion_request
from .export_import import import_create, import_finish_if_done
from .login import LINKED_ELSEWHERE_KEY
from .uploads import UploadRefused, upload_append, upload_open, uploads_complete

__all__ = [
    "LINKED_ELSEWHERE_KEY",
    "UploadRefused",
    "app_removed",
    "crawl_start",
    "deletion_request",
    "import_create",
    "import_finish_if_done",
    "instagram_configured",
    "token_for",
    "upload_append",
    "upload_open",
    "uploads_complete",
]
