from django.apps import AppConfig

# Every stage's run kinds and vendor-job handlers register themselves when its ``runs`` module
# is imported; a worker never loads the URLconf, so they are imported here.
STAGES_WITH_RUNS = (
    "make",
    "production",
    "publishing",
    "render",
    "script",
    "visual_bible",
    "voiceover",
)


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Projects"

    def ready(self) -> None:
        from importlib import import_module

        from projects.pipeline import jobs  # noqa: F401

        for stage in STAGES_WITH_RUNS:
            import_module(f"projects.stages.{stage}.runs")

        from accounts.services import on_user_suspended
        from billing.services import reference_owner_register
        from projects.services import RunCharges, runs_cancel_for_suspension

        on_user_suspended(runs_cancel_for_suspension)
        reference_owner_register(RunCharges())
