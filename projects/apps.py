from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Projects"

    def ready(self) -> None:
        # Run kinds register themselves when their pipeline modules are imported.
        from projects.pipeline import jobs, shots  # noqa: F401
        from projects.stages import production, script, voiceover  # noqa: F401
