from django.urls import path

from . import callbacks, upload_views, views

urlpatterns = [
    path("", views.instagram_page, name="instagram"),
    path("refused/", views.login_refused, name="instagram_refused"),
    path("linked-elsewhere/", views.linked_elsewhere, name="instagram_linked_elsewhere"),
    path("crawls/<int:crawl_id>/", views.crawl_status, name="instagram_crawl_status"),
    path("crawls/new/", views.crawl_new, name="instagram_crawl_new"),
    # Meta's callbacks (server to server, signed_request) and the deletion status page Meta links to
    path("deauthorize/", callbacks.deauthorize, name="instagram_deauthorize"),
    path("data-deletion/", callbacks.data_deletion, name="instagram_data_deletion"),
    path("data-deletion/<str:code>/", callbacks.deletion_status, name="instagram_deletion_status"),
    # the data-download import: chunked, resumable uploads, then the import itself
    path("import/uploads/", upload_views.upload_start, name="instagram_upload_start"),
    path("import/uploads/<str:key>/", upload_views.upload_chunk, name="instagram_upload_chunk"),
    path("import/", upload_views.import_start, name="instagram_import_start"),
    path("imports/<int:import_id>/", upload_views.import_status, name="instagram_import_status"),
]
