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

# People (search/people_views.py) and the tagging API (search/api_views.py, static/openapi.yaml)
from . import api_views, people_views  # noqa: E402

urlpatterns += [
    path("people/", people_views.people_list, name="people"),
    path("people/<int:person_id>/", people_views.person_detail, name="person"),
    path("people/<int:person_id>/<slug:action>", people_views.person_action, name="person_action"),
    path("people/events/<int:event_id>/undo", people_views.event_undo, name="people_undo"),
    path("people/groups/", people_views.groups, name="people_groups"),
    path("people/groups/<int:cluster_id>/<slug:action>", people_views.group_action, name="people_group_action"),
    path("people/search/", people_views.people_search, name="people_search"),
    path("people/albums/", people_views.living_albums, name="living_albums"),
    path("people/albums/<int:living_album_id>/", people_views.living_album, name="living_album"),
    path("people/settings/", people_views.people_settings, name="people_settings"),
    path("faces/<int:face_id>/name", people_views.face_name, name="face_name"),
    path("faces/<int:face_id>/not-a-face", people_views.face_not_a_face, name="face_not_a_face"),
    path("api/tagging/photos", api_views.tag_photo, name="tagging_photos"),
    path("api/tagging/identify", api_views.identify, name="tagging_identify"),
    path("api/tagging/webhook/<str:webhook_id>", api_views.webhook, name="tagging_webhook"),
    path("api/tagging/deliveries/<int:delivery_id>", api_views.delivery, name="tagging_delivery"),
]
