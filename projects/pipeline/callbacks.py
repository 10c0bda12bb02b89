"""Vendor callback endpoints: ``POST /api/kie/callback``, ``/api/wavespeed/callback``,
``/api/assemblyai/callback``.

A callback is believed only when it proves itself every way its vendor allows (docs/reliability.md
items 17-19):

1. the job named by ``?job=`` exists and belongs to this vendor (else 404);
2. the per-job ``?token=`` matches the job's secret, compared in constant time (else 403) — a job
   id alone is never enough, and a secret of one job opens no other;
3. the vendor's own proof, when configured: KIE's HMAC signature of ``taskId.timestamp``,
   WaveSpeed's HMAC signature of ``id.timestamp.raw-body``, AssemblyAI's auth header carrying the
   job's secret; stale timestamps and bodies changed after signing fail here (403);
4. the task id in the body matches the id recorded when the job was submitted (403 otherwise;
   a job whose id was never recorded — the worker died right after submitting — is matched by
   its URL alone).

Then the outcome goes to ``job_finish(via="callback")``, which records it once and enqueues the
pipeline on commit. A duplicate answers 200 and changes nothing, so the vendor stops retrying.
Rejections answer 4xx, which also stops vendors that retry (AssemblyAI stops on 4xx). Nothing a
sender controls can produce a 500: bodies are parsed defensively and answer 400 when unreadable.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any, ClassVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vendors.base import ProviderError
from vendors.http import async_adapter
from vendors.http.common import AsyncVendorAdapter, CallbackInvalid, CallbackRejected
from vidflow.api.schema import examples
from vidflow.errors import Forbidden, NotFound, ValidationFailed, VendorError

from .models import VendorJob
from .vendor_jobs import job_finish, secret_matches

logger = logging.getLogger(__name__)

_ACK = inline_serializer(
    name="VendorCallbackAck",
    fields={
        "received": serializers.BooleanField(),
        "final": serializers.BooleanField(help_text="False for a progress event (nothing done)"),
        "duplicate": serializers.BooleanField(help_text="The job had already finished"),
    },
)


def adapter_for(job: VendorJob) -> AsyncVendorAdapter:
    adapter = async_adapter(vendor=job.vendor, capability=job.capability)
    if adapter is None:
        raise NotFound("This job takes no callbacks.")
    return adapter


class VendorCallbackView(APIView):
    """Shared flow; subclasses name the vendor."""

    vendor: ClassVar[str] = ""
    authentication_classes = ()  # vendors carry no session: no CSRF either
    permission_classes = (AllowAny,)

    def _job(self, request: Request) -> VendorJob:
        raw = request.query_params.get("job", "")
        try:
            job_id = uuid.UUID(raw)
        except ValueError:
            raise NotFound("Unknown job.") from None
        job = VendorJob.objects.filter(pk=job_id, vendor=self.vendor).first()
        if job is None:
            raise NotFound("Unknown job.")
        if not secret_matches(job, request.query_params.get("token", "")):
            logger.warning("%s callback for job %s with a wrong token", self.vendor, job.pk)
            raise Forbidden("This callback's token does not match its job.")
        return job

    def post(self, request: Request) -> Response:
        job = self._job(request)
        body = request.body
        headers = dict(request.headers)
        adapter = adapter_for(job)
        try:
            external_id, outcome = adapter.parse_callback(body, headers)
            adapter.verify_callback(body, headers, external_id=external_id, secret=job.secret)
        except CallbackInvalid as exc:
            raise ValidationFailed(str(exc)) from None
        except CallbackRejected as exc:
            logger.warning("%s callback for job %s rejected: %s", self.vendor, job.pk, exc)
            raise Forbidden(str(exc)) from None
        if job.external_id and external_id != job.external_id:
            logger.warning("%s callback for job %s names task %r", self.vendor, job.pk, external_id)
            raise Forbidden("This callback names another task than its job.")
        if outcome is None:
            return Response({"received": True, "final": False, "duplicate": False})
        if not job.is_finished:
            try:
                outcome = adapter.resolve_callback(external_id, outcome)
            except ProviderError as exc:
                # Not the sender's fault: answer 5xx-class so the vendor delivers it again.
                raise VendorError(f"Could not read the result from {self.vendor}: {exc}") from None
        try:
            changed = job_finish(job_id=job.pk, outcome=outcome, via="callback")
        except VendorJob.DoesNotExist:  # deleted meanwhile with its project
            raise NotFound("Unknown job.") from None
        return Response({"received": True, "final": True, "duplicate": not changed})


# What each vendor sends when a job finishes (their documented shapes, the fields we read).
_CALLBACK_BODIES: dict[str, dict[str, Any]] = {
    "kie": {
        "code": 200,
        "msg": "success",
        "data": {
            "taskId": "7f3c1e9a2b4d6f8e0a1c3e5f7b9d1f3a",
            "model": "google/nano-banana",
            "state": "success",
            "resultJson": '{"resultUrls": ["https://tempfile.aiquickdraw.com/p/7f3c1e9a.png"]}',
            "failCode": "",
            "failMsg": "",
        },
    },
    "wavespeed": {
        "id": "c2e4a6b8d0f24e6a8c0e2a4c6e8a0c2e",
        "model": "wavespeed-ai/infinitetalk",
        "status": "completed",
        "outputs": ["https://d1q70pf5vjeyhc.cloudfront.net/predictions/c2e4a6b8/1.mp4"],
        "has_nsfw_contents": [False],
        "error": "",
    },
    "assemblyai": {
        "transcript_id": "5551722-f677-48a6-9287-39c0aafd9ac1",
        "status": "completed",
    },
}


def _schema(vendor: str) -> Any:
    return extend_schema(
        operation_id=f"{vendor}_callback",
        summary=f"{vendor} reports a job's outcome",
        description=(
            "Called by the vendor, not by clients: the URL we gave it carries the job and its "
            "secret; the vendor's own signature is checked where it has one."
        ),
        tags=["vendor callbacks"],
        auth=[],
        parameters=[
            OpenApiParameter("job", OpenApiTypes.UUID, required=True),
            OpenApiParameter("token", OpenApiTypes.STR, required=True),
        ],
        request={"application/json": OpenApiTypes.OBJECT},
        responses={200: _ACK},
        examples=examples(
            request=_CALLBACK_BODIES[vendor],
            response={"received": True, "final": True, "duplicate": False},
        ),
    )


class KieCallbackView(VendorCallbackView):
    vendor = "kie"

    @_schema("kie")
    def post(self, request: Request) -> Response:
        return super().post(request)


class WaveSpeedCallbackView(VendorCallbackView):
    vendor = "wavespeed"

    @_schema("wavespeed")
    def post(self, request: Request) -> Response:
        return super().post(request)


class AssemblyAICallbackView(VendorCallbackView):
    vendor = "assemblyai"

    @_schema("assemblyai")
    def post(self, request: Request) -> Response:
        return super().post(request)
