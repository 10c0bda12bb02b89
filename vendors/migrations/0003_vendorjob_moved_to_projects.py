# VendorJob moved to the projects app (projects/pipeline/models.py): vendors is a library with no
# models. Only Django's idea of the model moves here; projects.0005 takes over the table (and
# renames it), so every existing row is kept.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("vendors", "0002_submit_started_at"),
        ("projects", "0005_vendorjob"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="VendorJob")],
            database_operations=[],
        ),
    ]
