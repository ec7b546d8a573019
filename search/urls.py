from django.urls import path

from . import views

urlpatterns = [
    path("", views.gallery, name="gallery"),
    path("photos/<int:photo_id>/", views.photo_detail, name="photo"),
    path("photos/<int:photo_id>/<str:kind>", views.photo_file, name="photo_file"),
    path("faces/<int:face_id>/", views.face_matches, name="face_matches"),
    path("faces/<int:face_id>/crop", views.face_crop, name="face_crop"),
]
