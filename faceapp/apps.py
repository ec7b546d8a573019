from django.apps import AppConfig


class FaceappConfig(AppConfig):
    name = "faceapp"
    verbose_name = "faceapp wiring"

    def ready(self):
        from . import checks  # noqa: F401  (registers the security checks)
