# Takes over the relation files.0002 removed from UploadedFile, on the same table and columns.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0003_run_usage_proxy"),
        ("files", "0002_conversation_files_move"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="conversation",
                    name="files",
                    field=models.ManyToManyField(
                        blank=True,
                        db_table="files_uploadedfile_conversations",
                        related_name="conversations",
                        to="files.uploadedfile",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
