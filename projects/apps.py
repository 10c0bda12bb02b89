from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Projects"

    def ready(self) -> None:
        # Run kinds (and vendor-job purposes) register themselves when their modules are
        # imported; a worker never loads the URLconf, so the stages are imported here.
        from projects.pipeline import jobs, shots  # noqa: F401
        from projects.stages import (  # noqa: F401
            production,
            publishing,
            render,
            script,
            visual_bible,
            voiceover,
        )
