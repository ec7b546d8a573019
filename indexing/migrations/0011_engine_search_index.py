from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("indexing", "0010_timeline_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="engineface",
            index=models.Index(fields=["collection", "face_id"], name="engine_face_collection_id"),
        ),
        migrations.AddField(
            model_name="enginecollection",
            name="pruned_seq",
            field=models.PositiveBigIntegerField(
                default=0, help_text="Tombstones up to this sequence number were pruned from the change feed"
            ),
        ),
    ]
