# The conversation ↔ file relation is declared on Conversation from now on (files sit below
# conversations in the layer order). The table stays as it is: only Django's state changes here,
# and conversations.0004 declares the same table on the other side.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("files", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="uploadedfile", name="conversations"),
            ],
            database_operations=[],
        ),
    ]
