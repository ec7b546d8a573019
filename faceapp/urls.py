from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("indexing.rekognition_api.urls")),
    path("", include("search.urls")),
]
urlpatterns += [
    path("auth/", include("social_django.urls", namespace="social")),
    path("instagram/", include("indexing.instagram.urls")),
]
