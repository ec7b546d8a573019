from django.urls import path

from . import views

urlpatterns = [
    # boto3 posts to the endpoint URL's path plus "/": both spellings are the same endpoint.
    path("rekognition", views.endpoint, name="rekognition_api_bare"),
    path("rekognition/", views.endpoint, name="rekognition_api"),
    path("api-keys/", views.key_list, name="api_keys"),
    path("api-keys/new", views.key_issue, name="api_key_issue"),
    path("api-keys/<int:key_id>/revoke", views.key_revoke, name="api_key_revoke"),
]
