"""The production stage's request and response shapes."""

from __future__ import annotations

from rest_framework import serializers

from projects.api.base import AcceptedRunSerializer
from projects.models import Shot, ShotKind, ShotTransition
from projects.pipeline.models import VendorJob
from vidflow.api.serializers import StrictSerializer
from vidflow.storage import artifact_url


def _task_ids(shots: list[Shot]) -> dict[str, VendorJob]:
    """The vendor job of each shot's current video step (one query for any number of shots)."""
    jobs = VendorJob.objects.filter(
        purpose="shot.video",
        target_id__in=[s.pk for s in shots],
        run_id__in=[s.run_id for s in shots if s.run_id],
    ).exclude(external_id="")
    return {str(job.target_id): job for job in jobs}


class ShotSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    position = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ShotKind.choices)
    prompt = serializers.CharField()
    line = serializers.CharField()
    start = serializers.FloatField()
    end = serializers.FloatField()
    transitionIn = serializers.ChoiceField(source="transition_in", choices=ShotTransition.choices)
    state = serializers.CharField()
    stale = serializers.BooleanField()
    error = serializers.CharField()
    characterIds = serializers.SerializerMethodField()
    locationId = serializers.UUIDField(source="location_id", allow_null=True)
    imageUrl = serializers.SerializerMethodField()
    animatedUrl = serializers.SerializerMethodField()
    videoUrl = serializers.SerializerMethodField()
    runId = serializers.UUIDField(source="run_id", allow_null=True)
    source = serializers.CharField(  # type: ignore[assignment]
        help_text='"generated", or "upload": the picture or clip is the creator\'s own'
    )
    subjects = serializers.ListField(
        child=serializers.DictField(),
        help_text="What the picture shows: [{icon, label, entry?, count?}]; [] for a title card "
        "(or a vendor's picture, which does not say).",
    )
    credit = serializers.DictField(
        help_text="a stock picture's {library, author, authorUrl, url, text}; {} otherwise"
    )
    chosenSubjects = serializers.ListField(
        source="chosen_subjects",
        child=serializers.CharField(),
        help_text="Icons the creator chose (PATCH subjects); [] draws what the prompt names.",
    )
    videoTaskId = serializers.SerializerMethodField()
    wavespeedTaskId = serializers.SerializerMethodField()

    def _url(self, shot: Shot, field: str) -> str | None:
        return artifact_url(getattr(shot, field))

    def get_characterIds(self, shot: Shot) -> list[str]:
        return [str(c.pk) for c in shot.characters.all()]

    def get_imageUrl(self, shot: Shot) -> str | None:
        return self._url(shot, "image")

    def get_animatedUrl(self, shot: Shot) -> str | None:
        return self._url(shot, "animated")

    def get_videoUrl(self, shot: Shot) -> str | None:
        return self._url(shot, "video")

    def _job(self, shot: Shot) -> VendorJob | None:
        jobs: dict[str, VendorJob] | None = self.context.get("jobs")
        if jobs is None:  # one shot on its own; a list brings every shot's jobs (maybe none)
            jobs = _task_ids([shot])
        return jobs.get(str(shot.pk))

    def get_videoTaskId(self, shot: Shot) -> str | None:
        job = self._job(shot)
        return job.external_id if job and job.vendor != "wavespeed" else None

    def get_wavespeedTaskId(self, shot: Shot) -> str | None:
        job = self._job(shot)
        return job.external_id if job and job.vendor == "wavespeed" else None


class ShotEditSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=ShotKind.choices, required=False)
    prompt = serializers.CharField(max_length=2000, required=False)
    transitionIn = serializers.ChoiceField(
        source="transition_in", choices=ShotTransition.choices, required=False
    )
    characterIds = serializers.ListField(
        source="characters", child=serializers.UUIDField(), max_length=10, required=False
    )
    locationId = serializers.UUIDField(source="location", allow_null=True, required=False)
    subjects = serializers.ListField(
        source="chosen_subjects",
        child=serializers.CharField(max_length=80),
        max_length=3,
        required=False,
        help_text="Icon names to draw instead of what the prompt names (GET /api/icons?q=); "
        "[] goes back to the prompt's. A new prompt without subjects also goes back.",
    )


class PlanRequestSerializer(StrictSerializer):
    replace = serializers.BooleanField(required=False, default=False)


class GenerateRequestSerializer(StrictSerializer):
    asyncVideo = serializers.BooleanField(
        required=False,
        default=True,
        help_text="false: hold the request until the shot is done (bounded), then answer it.",
    )


class ShotRunSerializer(AcceptedRunSerializer):
    shot = ShotSerializer()
    finished = serializers.BooleanField()
    videoTaskId = serializers.CharField(allow_null=True)
    wavespeedTaskId = serializers.CharField(allow_null=True)
