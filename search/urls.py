from django.urls import path

from . import account, api, image_search, views

urlpatterns = [
    path("", views.gallery, name="gallery"),
    path("accounts/signup/", account.signup, name="signup"),
    path("albums/new", views.album_create, name="album_create"),
    path("albums/<int:album_id>/", views.album, name="album"),
    path("upload/", views.upload, name="upload"),
    path("upload/files", api.upload_files, name="upload_files"),
    path("photos/status", api.photos_status, name="photos_status"),
    path("photos/<int:photo_id>/", views.photo_detail, name="photo"),
    path("photos/<int:photo_id>/retry", api.photo_retry, name="photo_retry"),
    path("photos/<int:photo_id>/<str:kind>", views.photo_file, name="photo_file"),
    path("faces/", views.faces_browse, name="faces_browse"),
    path("faces/<int:face_id>/", views.face_matches, name="face_matches"),
    path("faces/<int:face_id>/crop", views.face_crop, name="face_crop"),
    path("search/", image_search.search_image, name="search_image"),
]
