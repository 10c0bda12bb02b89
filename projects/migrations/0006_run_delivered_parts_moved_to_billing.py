# A run's delivered charge parts now live in billing (billing.0002 copied them to DeliveredPart).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0005_vendorjob"),
        ("billing", "0002_charge_reference_and_delivered_parts"),
    ]

    operations = [
        migrations.RemoveField(model_name="run", name="landed"),
    ]
