from django.apps import AppConfig


class VendorsConfig(AppConfig):
    """``vendors`` is a library (providers, adapters, the renderer, the simulator) with no models
    and no URLs. It stays an installed app only for its migration history: its migrations made
    the vendor-job table that ``projects`` took over (projects.0005), and databases made before
    the move have them applied."""

    name = "vendors"
    verbose_name = "Vendors"
