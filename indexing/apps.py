from django.apps import AppConfig, apps


class IndexingConfig(AppConfig):
    name = "indexing"
    verbose_name = "Photos and faces"

    def ready(self):
        if apps.is_installed("social_django"):
            from .sealed import connect_social_tokens

            connect_social_tokens()
