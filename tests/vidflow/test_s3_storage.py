"""Artifacts in a real S3-compatible server (SeaweedFS, started by the test session): they are
written to the bucket, links are pre-signed URLs that last as long as the server's own signed
links, an altered link is refused, a worker reads its inputs back from the bucket (no shared
disk), deleting a project deletes its objects, and ``manage.py create_bucket`` makes the bucket
once."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from accounts.models import User
from projects.models import Render
from projects.pipeline.artifacts import input_file, store, workdir
from tests.factories import ProjectFactory
from tests.s3server import S3Server
from vendors.base import MediaFile
from vidflow.s3 import ArtifactS3Storage
from vidflow.storage import artifact_url, delete_prefix, download_name, vendor_fetch_url

pytestmark = [pytest.mark.django_db]

VIDEO = b"\x00\x00\x00\x18ftypmp42 a final video"


def _objects(server: S3Server, bucket: str) -> dict[str, bytes]:
    client = server.client()
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}


def _reconfigure(settings: Any, **options: Any) -> None:
    """Change the S3 storage's options (assigning STORAGES makes Django build it anew)."""
    default = settings.STORAGES["default"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**default, "OPTIONS": {**default["OPTIONS"], **options}},
    }


def test_an_artifact_is_written_to_the_bucket_not_the_disk(
    s3_server: S3Server, s3_bucket: str, user: User, tmp_path: Path
) -> None:
    render = Render(project=ProjectFactory(owner=user))
    render.video.save("final.mp4", ContentFile(VIDEO), save=True)

    assert isinstance(render.video.storage, ArtifactS3Storage)
    assert _objects(s3_server, s3_bucket) == {render.video.name: VIDEO}
    assert render.video.name.startswith(f"projects/{render.project_id}/")
    assert not any(Path(settings.MEDIA_ROOT).rglob("*"))  # nothing on local disk


def test_a_link_is_a_presigned_url_lasting_the_configured_age(
    s3_server: S3Server, s3_bucket: str, user: User, settings: Any
) -> None:
    settings.ARTIFACT_URL_MAX_AGE = 4 * 3600
    _reconfigure(settings, querystring_expire=4 * 3600)  # settings.py: ARTIFACT_URL_MAX_AGE
    render = Render(project=ProjectFactory(owner=user, title="Octopus hearts"))
    render.video.save("final.mp4", ContentFile(VIDEO), save=True)

    link = artifact_url(
        render.video,
        filename=download_name("Octopus hearts", "final", render.video.name),
    )

    assert link is not None
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}" == s3_server.endpoint
    query = parse_qs(parts.query)
    assert query["X-Amz-Expires"] == [str(4 * 3600)]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    response = httpx.get(link)
    assert response.status_code == 200
    assert response.content == VIDEO
    assert 'filename="octopus-hearts-final.mp4"' in response.headers["content-disposition"]


def test_an_altered_or_unsigned_link_is_refused(
    s3_server: S3Server, s3_bucket: str, user: User
) -> None:
    render = Render(project=ProjectFactory(owner=user))
    render.video.save("final.mp4", ContentFile(VIDEO), save=True)
    link = artifact_url(render.video)
    assert link is not None

    unsigned = link.split("?", 1)[0]
    longer = f"X-Amz-Expires={settings.ARTIFACT_URL_MAX_AGE + 1}"  # a link made to last longer
    tampered = link.replace(f"X-Amz-Expires={settings.ARTIFACT_URL_MAX_AGE}", longer)
    assert tampered != link

    assert httpx.get(unsigned).status_code == 403
    assert httpx.get(tampered).status_code == 403


def test_links_are_signed_for_the_public_endpoint(
    s3_server: S3Server, s3_bucket: str, user: User, settings: Any
) -> None:
    # The servers reach the store at one address, browsers at another (a proxy, a load balancer).
    _reconfigure(settings, public_endpoint_url="https://files.example.com")
    render = Render(project=ProjectFactory(owner=user))
    render.video.save("final.mp4", ContentFile(VIDEO), save=True)

    link = artifact_url(render.video)
    fetch = vendor_fetch_url(render.video)

    assert link is not None
    assert link.startswith(f"https://files.example.com/{s3_bucket}/projects/")
    assert fetch.startswith(f"https://files.example.com/{s3_bucket}/projects/")


def test_a_worker_reads_its_inputs_back_from_the_bucket(
    s3_server: S3Server, s3_bucket: str, user: User, tmp_path: Path
) -> None:
    render = Render(project=ProjectFactory(owner=user))
    made = tmp_path / "elsewhere" / "made.mp4"
    made.parent.mkdir()
    made.write_bytes(VIDEO)
    store(render.video, MediaFile(made, "video/mp4", 1.0))
    render.save()
    made.unlink()  # the machine that made it is gone

    with workdir("render") as into:
        got = input_file(render.video, into)
        assert got.path.parent == into  # a copy in this step's own scratch folder
        assert got.path.read_bytes() == VIDEO
        assert httpx.get(got.url).content == VIDEO  # what a vendor would fetch
    assert not got.path.exists()


def test_deleting_a_project_folder_deletes_its_objects(
    s3_server: S3Server, s3_bucket: str, user: User
) -> None:
    project = ProjectFactory(owner=user)
    other = Render(project=ProjectFactory(owner=user))
    other.video.save("final.mp4", ContentFile(b"kept"), save=True)
    for name in ("final.mp4", "second.mp4"):
        Render(project=project).video.save(name, ContentFile(VIDEO), save=False)
    default_storage.save(f"projects/{project.pk}/render-cache/abc", io.BytesIO(b"segment"))

    removed = delete_prefix(f"projects/{project.pk}/")

    assert removed == 3
    assert list(_objects(s3_server, s3_bucket)) == [other.video.name]


def test_create_bucket_makes_the_bucket_once(
    s3_server: S3Server, s3_bucket: str, settings: Any
) -> None:
    fresh = s3_bucket + "-new"
    _reconfigure(settings, bucket_name=fresh)
    out = io.StringIO()

    call_command("create_bucket", stdout=out)
    call_command("create_bucket", stdout=out)

    assert out.getvalue().splitlines() == [f"Created bucket {fresh}.", f"Bucket {fresh} exists."]
    names = [b["Name"] for b in s3_server.client().list_buckets()["Buckets"]]
    assert fresh in names


def test_create_bucket_on_local_storage_says_there_is_nothing_to_do() -> None:
    out = io.StringIO()
    call_command("create_bucket", stdout=out)
    assert "no bucket to create" in out.getvalue()
