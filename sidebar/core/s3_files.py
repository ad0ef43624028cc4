"""Files in S3-compatible object storage (``FILE_STORE_URL=s3://bucket/prefix``): Tencent COS, Alibaba OSS,
AWS S3 and MinIO all speak the S3 API, through boto3 (the AWS SDK, kept by AWS).

What differs from the database store, and why:

- A put is written at once, not in the caller's unit of work: object storage has no transactions. Keys
  are unique per upload (``materials/<uuid>.jpg``), so an upload whose request then fails leaves an object
  nothing points at, never a row pointing at nothing; a bucket lifecycle rule may sweep such orphans.
- A delete waits for the caller's commit (``after_commit``), so a delete that is rolled back keeps its file.
- An attachment is downloaded from a signed URL that expires (``FILE_STORE_URL_EXPIRY`` seconds; 0 streams
  it through the app instead, for a bucket the browsers cannot reach); files shown inside a page (a
  material's picture) are streamed through the app, which keeps the pages' CSP to their own origin.

Credentials come from the environment only: ``FILE_STORE_ACCESS_KEY_ID`` / ``FILE_STORE_SECRET_ACCESS_KEY``,
else boto3's own chain (``AWS_ACCESS_KEY_ID``, an instance role).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any
from urllib.parse import urlsplit

from sqlalchemy import event
from sqlalchemy.orm import Session

from sidebar.extensions import db

CHUNK = 1 << 20
_PENDING = "files_to_delete"


def bucket_and_prefix(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` → ("bucket", "some/prefix/"); ValueError when there is no bucket."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError("an object store is named s3://bucket or s3://bucket/prefix")
    prefix = parts.path.strip("/")
    return parts.netloc, f"{prefix}/" if prefix else ""


class ObjectFiles:
    """The file store on a bucket; the keys the app uses, under the URL's prefix."""

    def __init__(self, config: dict[str, Any]):
        import boto3
        from botocore.config import Config

        self.bucket, self.prefix = bucket_and_prefix(str(config["FILE_STORE_URL"]))
        self.expiry = int(config.get("FILE_STORE_URL_EXPIRY") or 0)
        addressing = config.get("FILE_STORE_ADDRESSING") or "auto"
        self.client = boto3.client(
            "s3",
            endpoint_url=config.get("FILE_STORE_ENDPOINT") or None,
            region_name=config.get("FILE_STORE_REGION") or None,
            aws_access_key_id=config.get("FILE_STORE_ACCESS_KEY_ID") or None,
            aws_secret_access_key=config.get("FILE_STORE_SECRET_ACCESS_KEY") or None,
            config=Config(
                s3={"addressing_style": addressing},
                signature_version="s3v4",
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=60,
            ),
        )

    def _key(self, key: str) -> str:
        return self.prefix + key

    def put(self, key: str, source: IO[bytes], content_type: str) -> int:
        """Upload ``source`` (multipart past 8 MB, read a part at a time) and return its size."""
        counted = _Counting(source)
        self.client.upload_fileobj(
            counted, self.bucket, self._key(key), ExtraArgs={"ContentType": content_type}
        )
        return counted.size

    def size(self, key: str) -> int | None:
        from botocore.exceptions import ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise
        return int(head["ContentLength"])

    def chunks(self, key: str) -> Iterator[bytes]:
        from botocore.exceptions import ClientError

        from sidebar.core.files import FileMissing

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                raise FileMissing(key) from exc
            raise
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()

    def delete(self, key: str) -> None:
        """Deleted once the caller's unit of work commits (at once outside one)."""
        session = db.session()
        if session.in_transaction():
            session.info.setdefault(_PENDING, []).append((self, key))
        else:
            self.delete_now(key)

    def delete_now(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def signed_url(self, key: str, *, filename: str, mimetype: str) -> str | None:
        """A URL the browser downloads the file from directly, valid ``FILE_STORE_URL_EXPIRY`` seconds."""
        if not self.expiry:
            return None
        from urllib.parse import quote

        return str(
            self.client.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": self.bucket,
                    "Key": self._key(key),
                    "ResponseContentType": mimetype,
                    # RFC 6266 / 5987: a Chinese file name survives every browser
                    "ResponseContentDisposition": f"attachment; filename*=UTF-8''{quote(filename)}",
                },
                ExpiresIn=self.expiry,
            )
        )


class _Counting:
    """A reader that counts the bytes read through it."""

    def __init__(self, source: IO[bytes]):
        self.source, self.size = source, 0

    def read(self, n: int = -1) -> bytes:
        block = self.source.read(n)
        self.size += len(block)
        return block


@event.listens_for(Session, "after_commit")
def _deleted_after_commit(session: Session) -> None:
    for store, key in session.info.pop(_PENDING, []):
        store.delete_now(key)


@event.listens_for(Session, "after_rollback")
def _kept_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
