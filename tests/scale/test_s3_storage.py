"""Media on S3-compatible object storage (STORAGE_URL=s3://...), against a real local server."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from simedsos.settings import storage_from_url
from tests.content.builders import dispose, make_world, upload

pytestmark = pytest.mark.django_db

GOOD_KEY = "k8#Zr2v!Qm7@Lp4^Wx9&Tn6*Hs3(Jd5)Fb1-Gc0+Yu" + "a1B2c3D4e5"


def test_storage_url_default_is_the_local_folder():
    assert storage_from_url("") == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_storage_url_s3_options():
    entry = storage_from_url(
        "s3://arsip-jdih/simedsos?endpoint_url=https://s3.example.test&region=ap-southeast-3"
    )
    assert entry["BACKEND"] == "storages.backends.s3.S3Storage"
    options = entry["OPTIONS"]
    assert options["bucket_name"] == "arsip-jdih"
    assert options["location"] == "simedsos"
    assert options["endpoint_url"] == "https://s3.example.test"
    assert options["region_name"] == "ap-southeast-3"
    # Private files: signed, expiring links; never overwrite an existing object.
    assert options["querystring_auth"] is True and options["default_acl"] is None
    assert options["file_overwrite"] is False


def test_storage_url_unknown_scheme_is_refused_with_a_clear_message():
    with pytest.raises(ImproperlyConfigured, match="STORAGE_URL .* tidak dikenali"):
        storage_from_url("ftp://server/berkas")


def test_disposition_attachment_lands_in_the_bucket_and_reads_back(s3_server, s3_storage):
    from storages.backends.s3 import S3Storage

    world = make_world()
    content = b"%PDF-1.4 bahan disposisi " + bytes(range(256)) * 4
    item = dispose(world, attachments=[upload("bahan rapat.pdf", content)])

    attachment = item.attachments.get()
    assert isinstance(attachment.file.storage._wrapped, S3Storage)
    # The object is really in the bucket, under the name the row keeps.
    listed = s3_server.client().list_objects_v2(Bucket=s3_storage)
    keys = [entry["Key"] for entry in listed.get("Contents", [])]
    assert attachment.file.name in keys
    body = s3_server.client().get_object(Bucket=s3_storage, Key=attachment.file.name)["Body"]
    assert body.read() == content
    # And the application reads it back through the storage.
    with attachment.file.open("rb") as handle:
        assert handle.read() == content
    # Links to it are signed and expire (private bucket).
    url = attachment.file.url
    assert url.startswith(f"{s3_server.endpoint}/{s3_storage}/")
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=" in url


def test_memo_pdfs_rendered_by_the_worker_service_land_in_the_bucket(s3_server, s3_storage):
    from simedsos.memos.rendering_service import memo_render

    world = make_world()
    item = dispose(world, attachments=[])
    memo = item.disposition.memo
    assert memo_render(memo.pk) == "DONE"
    memo.refresh_from_db()
    keys = {
        entry["Key"]
        for entry in s3_server.client().list_objects_v2(Bucket=s3_storage).get("Contents", [])
    }
    assert {memo.pdf.name, memo.archive_pdf.name, memo.disposition_sheet_pdf.name} <= keys
    with memo.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_same_name_twice_keeps_both_files(s3_storage):
    first = default_storage.save("lampiran/sama.txt", ContentFile(b"pertama"))
    second = default_storage.save("lampiran/sama.txt", ContentFile(b"kedua"))
    assert first != second
    assert default_storage.open(first).read() == b"pertama"
    assert default_storage.open(second).read() == b"kedua"


@pytest.fixture
def production(settings):
    settings.SECRET_KEY = GOOD_KEY
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["simedsos.kpu-kalteng.go.id"]
    settings.SECURE_HTTPS = True
    settings.REDIS_URL = ""
    settings.FIELD_ENCRYPTION_KEY = (
        "Y8bJ1wD3l0kQ4mZ9pV6nR2tX5sA7cE1gH3jK5mN7pQ0="  # a valid Fernet key
    )
    return settings


def run_check(*args) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("simedsos_check", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_check_deploy_passes_with_reachable_object_storage(s3_server, s3_storage, production):
    code, out, err = run_check("--deploy")
    assert code == 0, err
    assert "semua butir lolos" in out
    # The probe object is gone again.
    listed = s3_server.client().list_objects_v2(Bucket=s3_storage)
    assert listed.get("KeyCount", 0) == 0


def test_check_deploy_reports_missing_bucket(s3_server, s3_storage, production, settings):
    url = s3_server.storage_url("bucket-yang-tidak-ada")
    settings.STORAGE_URL = url
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(url)}
    code, _, err = run_check("--deploy")
    assert code == 1
    assert "Penyimpanan berkas (s3://bucket-yang-tidak-ada" in err
    assert "Periksa STORAGE_URL" in err


def test_check_deploy_reports_unreachable_storage_server(s3_storage, production, settings):
    from tests.scale.servers import free_port

    url = f"s3://media?endpoint_url=http://127.0.0.1:{free_port()}&region=us-east-1"
    settings.STORAGE_URL = url
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(url)}
    code, _, err = run_check("--deploy")
    assert code == 1
    assert "tidak dapat dipakai" in err and "EndpointConnectionError" in err
