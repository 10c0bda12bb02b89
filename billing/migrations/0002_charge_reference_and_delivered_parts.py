# Billing knows a charge by its own reference (a run's id) instead of a foreign key to projects.Run,
# and keeps the charge parts whose artifacts were delivered (formerly projects.Run.landed) itself.
# The ledger's run_id column and its values stay as they are; delivered parts are copied over.

from django.db import migrations, models


def copy_delivered_parts(apps, schema_editor):
    Run = apps.get_model("projects", "Run")
    DeliveredPart = apps.get_model("billing", "DeliveredPart")
    parts = [
        DeliveredPart(reference=run_id, key=key)
        for run_id, keys in Run.objects.exclude(landed=[]).values_list("pk", "landed").iterator()
        for key in keys or []
    ]
    DeliveredPart.objects.bulk_create(parts, ignore_conflicts=True, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0001_initial"),
        ("projects", "0005_vendorjob"),
    ]

    operations = [
        # Drop only the database's foreign-key constraint; the column (run_id) and its index stay.
        migrations.AlterField(
            model_name="ledgerentry",
            name="run",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=models.deletion.SET_NULL,
                related_name="ledger",
                to="projects.run",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="ledgerentry", name="run"),
                migrations.AddField(
                    model_name="ledgerentry",
                    name="reference",
                    field=models.UUIDField(blank=True, db_column="run_id", db_index=True, null=True),
                ),
            ],
            database_operations=[],
        ),
        migrations.CreateModel(
            name="DeliveredPart",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("reference", models.UUIDField()),
                ("key", models.CharField(max_length=80)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("reference", "key"), name="delivered_part_once")],
            },
        ),
        migrations.RunPython(copy_delivered_parts, migrations.RunPython.noop),
    ]
