"""Webhook signing secrets are kept sealed (indexing/sealed.py) instead of in plain text."""

from django.db import migrations, models


def seal_existing(apps, schema_editor):
    from indexing.sealed import seal, unseal

    credentials = apps.get_model("indexing", "TaggingCredential")
    for credential in credentials.objects.all():
        if unseal(credential.webhook_secret, "tagging.webhook_secret") is None:
            credential.webhook_secret = seal(credential.webhook_secret, "tagging.webhook_secret")
            credential.save(update_fields=["webhook_secret"])


class Migration(migrations.Migration):
    dependencies = [("indexing", "0005_people")]

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
    ]
