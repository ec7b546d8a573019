from django.urls import path

from .views import account, faces, image_search, people, photos, photos_api, reports, tagging_api

urlpatterns = [
    # Account (search/views/account.py) and reports (search/views/reports.py)
    path("account/", account.account_page, name="account"),
    path("account/face-indexing/", account.face_indexing, name="account_face_indexing"),
    path("account/export/", account.export, name="account_export"),
    path("account/delete/", account.delete_data, name="account_delete"),
    path("photos/<int:photo_id>/report/", reports.photo_report, name="photo_report"),
    path("faces/<int:face_id>/report/", reports.face_report, name="face_report"),
    # Photos, faces, search by image
    path("", photos.gallery, name="gallery"),
    path("accounts/signup/", account.signup, name="signup"),
    path("albums/new", photos.album_create, name="album_create"),
    path("albums/<int:album_id>/", photos.album, name="album"),
    path("upload/", photos.upload, name="upload"),
    path("upload/files", photos_api.upload_files, name="upload_files"),
    path("photos/status", photos_api.photos_status, name="photos_status"),
    path("photos/<int:photo_id>/", photos.photo_detail, name="photo"),
    path("photos/<int:photo_id>/retry", photos_api.photo_retry, name="photo_retry"),
    path("photos/<int:photo_id>/<str:kind>", photos.photo_file, name="photo_file"),
    path("faces/", faces.faces_browse, name="faces_browse"),
    path("faces/<int:face_id>/", faces.face_matches, name="face_matches"),
    path("faces/<int:face_id>/crop", faces.face_crop, name="face_crop"),
    path("search/", image_search.search_image, name="search_image"),
    # People (search/views/people.py) and the tagging API (search/views/tagging_api.py, static/openapi.yaml)
    path("people/", people.people_list, name="people"),
    path("people/<int:person_id>/", people.person_detail, name="person"),
    path("people/<int:person_id>/<slug:action>", people.person_action, name="person_action"),
    path("people/events/<int:event_id>/undo", people.event_undo, name="people_undo"),
    path("people/groups/", people.groups, name="people_groups"),
    path("people/groups/<int:cluster_id>/<slug:action>", people.group_action, name="people_group_action"),
    path("people/search/", people.people_search, name="people_search"),
    path("people/albums/", people.living_albums, name="living_albums"),
    path("people/albums/<int:living_album_id>/", people.living_album, name="living_album"),
    path("people/settings/", people.people_settings, name="people_settings"),
    path("faces/<int:face_id>/name", people.face_name, name="face_name"),
    path("faces/<int:face_id>/not-a-face", people.face_not_a_face, name="face_not_a_face"),
    path("api/tagging/photos", tagging_api.tag_photo, name="tagging_photos"),
    path("api/tagging/identify", tagging_api.identify, name="tagging_identify"),
    path("api/tagging/webhook/<str:webhook_id>", tagging_api.webhook, name="tagging_webhook"),
    path("api/tagging/deliveries/<int:delivery_id>", tagging_api.delivery, name="tagging_delivery"),
]
