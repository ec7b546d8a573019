"""Webhook signing secrets and the OAuth tokens of UserSocialAuth.extra_data are kept sealed
(indexing/sealed.py) instead of in plain text."""

from django.db import migrations, models


def seal_existing(apps, schema_editor):
    from indexing.sealed import seal, unseal

    credentials = apps.get_model("indexing", "TaggingCredential")
    for credential in credentials.objects.all():
        if unseal(credential.webhook_secret, "tagging.webhook_secret") is None:
            credential.webhook_secret = seal(credential.webhook_secret, "tagging.webhook_secret")
            credential.save(update_fields=["webhook_secret"])


def seal_social_tokens(apps, schema_editor):
    from indexing.sealed import _sealed_tokens

    social = apps.get_model("social_django", "UserSocialAuth")  # the historical model: no signals
    for row in social.objects.all():
        sealed = _sealed_tokens(row.extra_data or {})
        if sealed != row.extra_data:
            social.objects.filter(pk=row.pk).update(extra_data=sealed)


class Migration(migrations.Migration):
    dependencies = [("indexing", "0006_engine_change_feed"), ("social_django", "__latest__")]

    operations = [
        migrations.AlterField(
            model_name="taggingcredential",
            name="webhook_secret",
            field=models.CharField(
                help_text="Sealed (indexing/sealed.py): shown once, when made, then only used to check",
                max_length=255,
            ),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RunPython(seal_social_tokens, migrations.RunPython.noop),
    ]
