from django.urls import path

from . import views

urlpatterns = [
    path("crawls/<int:crawl_id>/", views.crawl_status, name="instagram_crawl_status"),
    path("crawls/new/", views.crawl_new, name="instagram_crawl_new"),
]
