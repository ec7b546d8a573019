from django.urls import path

from . import account_views as views

urlpatterns = [
    path("account/", views.account_page, name="account"),
    path("account/face-indexing/", views.face_indexing, name="account_face_indexing"),
    path("account/export/", views.export, name="account_export"),
    path("account/delete/", views.delete_data, name="account_delete"),
    path("photos/<int:photo_id>/report/", views.photo_report, name="photo_report"),
    path("faces/<int:face_id>/report/", views.face_report, name="face_report"),
]
