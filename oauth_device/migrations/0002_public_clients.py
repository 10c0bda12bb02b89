"""The public device-flow clients every installation has: the CLI and the MCP server."""

from django.db import migrations

DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"
CLIENTS = [
    ("vidflow-cli", "VidFlow CLI"),
    ("vidflow-mcp", "VidFlow MCP server"),
]


def create_clients(apps, schema_editor):
    Application = apps.get_model("oauth2_provider", "Application")
    for client_id, name in CLIENTS:
        Application.objects.update_or_create(
            client_id=client_id,
            defaults={
                "name": name,
                "client_type": "public",
                "authorization_grant_type": DEVICE_CODE,
                # A public client has no secret; unhashed so the admin does not show a hash of "".
                "client_secret": "",
                "hash_client_secret": False,
                "redirect_uris": "",
                "post_logout_redirect_uris": "",
                "skip_authorization": False,
                "algorithm": "",
            },
        )


def delete_clients(apps, schema_editor):
    Application = apps.get_model("oauth2_provider", "Application")
    Application.objects.filter(client_id__in=[client_id for client_id, _ in CLIENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("oauth_device", "0001_initial"),
        # DOT's latest migration, not swappable_dependency() (its first): the historical
        # Application model must have every column the current one has.
        ("oauth2_provider", "0022_refreshtoken_token_family_index"),
    ]

    operations = [migrations.RunPython(create_clients, delete_clients)]
