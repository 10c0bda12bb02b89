from django.apps import AppConfig


class OauthDeviceConfig(AppConfig):
    name = "oauth_device"
    verbose_name = "OAuth device flow"
