# VendorJob moves here from the vendors app (vendors is now a library with no models). The table
# already exists (vendors.0001/0002 made it): take it over as it is, then give it this app's name.
# Every row is kept.

import uuid

import django.db.models.deletion
from django.db import migrations, models

import projects.pipeline.models


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0004_youtube_credentials"),
        ("vendors", "0002_submit_started_at"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="VendorJob",
                    fields=[
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ("vendor", models.CharField(max_length=32)),
                        ("capability", models.CharField(max_length=32)),
                        ("purpose", models.CharField(help_text="What the result is for, e.g. shot.video", max_length=48)),
                        ("target_id", models.UUIDField(help_text="The shot, variation or project the result belongs to")),
                        ("external_id", models.CharField(blank=True, db_index=True, max_length=128)),
                        ("secret", models.CharField(default=projects.pipeline.models._new_secret, editable=False, max_length=64)),
                        ("status", models.CharField(choices=[("submitting", "Submitting"), ("pending", "Pending"), ("succeeded", "Succeeded"), ("failed", "Failed")], db_index=True, default="submitting", max_length=16)),
                        ("outcome", models.JSONField(blank=True, null=True)),
                        ("callbacks_received", models.PositiveIntegerField(default=0)),
                        ("polls", models.PositiveIntegerField(default=0)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("submit_started_at", models.DateTimeField(blank=True, null=True)),
                        ("submitted_at", models.DateTimeField(blank=True, null=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("run", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="vendor_jobs", to="projects.run")),
                    ],
                    options={
                        "ordering": ("-created_at",),
                        "db_table": "vendors_vendorjob",
                        "constraints": [
                            models.UniqueConstraint(fields=("run", "purpose", "target_id"), name="vendorjob_one_per_step"),
                            models.UniqueConstraint(condition=models.Q(("external_id", ""), _negated=True), fields=("vendor", "external_id"), name="vendorjob_unique_external_id"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        # The default table name of this app (projects_vendorjob): renames the table in place.
        migrations.AlterModelTable(name="vendorjob", table=None),
    ]
