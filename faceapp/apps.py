from django.apps import AppConfig


class FaceappConfig(AppConfig):
    name = "faceapp"
    verbose_name = "faceapp wiring"
