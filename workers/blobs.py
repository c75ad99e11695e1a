"""Where a document's bytes wait for a worker: the content store, one interface over two places.

The runner stores each content it queues once, by its hash; a worker reads it by
that hash (the messages carry hashes only); ``gkaudit prune`` removes what no
audit still needs.  Every content has its row in the database's content table
(:class:`workers.store.Content`: hash, name, size, when), whatever holds its
bytes, so "which contents are stored", "which are missing" and re-sends read one
table:

* :class:`DatabaseContents` (the default): the bytes in the row (BLOB on SQLite,
  bytea on PostgreSQL).
* :class:`BucketContents`, when ``GKAUDIT_BLOB_URL`` is set
  (``s3://BUCKET/PREFIX?endpoint_url=http://host:port&region=…``; credentials
  from the usual ``AWS_*`` variables): the bytes in an S3-compatible bucket under
  ``PREFIX/<sha256>``, the row's ``data`` empty.  Uploads are streamed in parts
  (two parts of :data:`PART_BYTES` in memory at most), hashed on the way and abandoned when
  the file changed or outgrew the limit; downloads stop at the byte limit.  An
  object is uploaded before its row is written and deleted before its row is
  removed; a row whose object is gone anyway (a prune cut short) is removed by
  the worker that finds it, so the runner's next re-send uploads it again.

:func:`content_store` picks one from the setting; the runner, the tasks and the
API call only that.  A store that cannot be used at all (no such bucket, no
credentials, an endpoint that does not answer) is a :class:`ContentStoreError`
whose ``reason`` says so; one that goes away mid-audit is a
:class:`ContentStoreAway`, a ``ConnectionError``, which the runner and the
workers wait out as they wait out the database.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple, Protocol
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from extractor.errors import ExtractError
from workers.store import (
    IN_LIST_MOST,
    AuditDocument,
    Content,
    Result,
    hash_list,
    insert_statement,
    now,
    session_scope,
)

log = logging.getLogger(__name__)
BLOB_URL_ENV = "GKAUDIT_BLOB_URL"
PART_BYTES = 8 << 20  # an upload's part (S3's least is 5 MiB, but for the last); an upload holds two at most
READ_CHUNK = 1 << 20
DELETE_MOST = 1000  # keys in one DeleteObjects request (S3's limit)
CONNECT_SECONDS = 5.0
READ_SECONDS = 60.0
ATTEMPTS = 3  # botocore's own tries of one request before the error reaches us
CHANGED = "the file changed while it was being audited; run the audit again"


class ContentStoreError(Exception):
    """The content store cannot be used; ``reason`` says which store and why, fit to print."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class ContentStoreAway(ContentStoreError, ConnectionError):
    """The content store does not answer for now: waited for, like the database (a ``ConnectionError``)."""

    def __init__(self, store: str, detail: str) -> None:
        self.store = store
        self.detail = detail
        super().__init__(f"{store} does not answer ({detail})")

    @property
    def waiting(self) -> str:
        """What a caller that waits for it is waiting for."""
        return f"{self.store} ({self.detail})"


class Blob(NamedTuple):
    """A stored content as a worker gets it: its name and bytes, or (bytes None) why it cannot be audited."""

    name: str
    data: bytes | None
    error: str | None = None


class FileToStore(NamedTuple):
    digest: str
    name: str
    path: Path


class ContentStore(Protocol):
    """What the runner, the workers and ``gkaudit prune`` need of the place contents wait in."""

    shown: str

    def check(self) -> None:
        """Raise :class:`ContentStoreError` when the store cannot be used."""

    def stored(self, hashes: Iterable[str]) -> set[str]:
        """The contents among ``hashes`` that are stored."""

    def put_file(self, digest: str, name: str, path: Path, most_bytes: int) -> str | None:
        """Store ``path``'s bytes as ``digest`` (named ``name``); None, or why not (too big, changed, gone)."""

    def put_files(self, files: Sequence[FileToStore], most_bytes: int) -> list[tuple[str, str]]:
        """:meth:`put_file` of each; the (digest, reason) of each that was not stored."""

    def read(self, hashes: Iterable[str], most_bytes: int) -> dict[str, Blob]:
        """Each of these contents that is stored; a content over ``most_bytes`` comes with its reason."""

    def prune(self, version: str) -> tuple[int, int]:
        """Remove the contents no audit still needs; (contents, bytes) removed."""


def blob_url() -> str | None:
    """``GKAUDIT_BLOB_URL``, or None: the contents go in the database."""
    return os.environ.get(BLOB_URL_ENV, "").strip() or None


def content_store(db_url: str, url: str | None = None) -> ContentStore:
    """The content store of this database: a bucket when ``url`` (default: ``GKAUDIT_BLOB_URL``) names one."""
    url = url if url is not None else blob_url()
    if url:
        return BucketContents(db_url, parse_blob_url(url))
    return DatabaseContents(db_url)


def too_large(size: int, most_bytes: int) -> str:
    return ExtractError("E004", size=size, limit=most_bytes).reason


# ---- the content table ------------------------------------------------------------------------------

# A content no audit document names is kept this long before a prune may remove it: the runner stores
# contents before it records its audit's documents.
UNREFERENCED_GRACE_SECONDS = 3600.0


def stored_contents(session: Session, hashes: Iterable[str]) -> set[str]:
    """The contents among ``hashes`` that the content table already holds."""
    wanted = list(set(hashes))
    found: set[str] = set()
    for i in range(0, len(wanted), IN_LIST_MOST):
        among = Content.content_hash.in_(hash_list(session, wanted[i : i + IN_LIST_MOST]))
        found.update(session.scalars(select(Content.content_hash).where(among)))
    return found


def store_content(url: str, digest: str, name: str, data: bytes, size: int | None = None) -> bool:
    """Store one content (its own transaction: one document's bytes in memory at a time); False when it
    was there already.  ``size`` with empty ``data``: the row of a content whose bytes are in a bucket."""
    with session_scope(url) as session:
        stmt = insert_statement(session, Content.__table__).on_conflict_do_nothing(index_elements=["content_hash"])
        size = len(data) if size is None else size
        row = {"content_hash": digest, "name": name, "size": size, "data": data, "created_at": now()}
        return bool(session.execute(stmt.returning(Content.__table__.c.content_hash), [row]).all())


# Contents written in one transaction, at most (but for a single bigger file): a commit per file was most of what
# storing a text report cost the runner, on the cores its workers audit on.
STORE_CHUNK_BYTES = 1 << 20


def store_content_rows(url: str, rows: list[dict[str, Any]]) -> None:
    """Store contents' rows (hash, name, size, data, created_at) in one transaction, those stored already left."""
    with session_scope(url) as session:
        stmt = insert_statement(session, Content.__table__).on_conflict_do_nothing(index_elements=["content_hash"])
        session.execute(stmt, rows)


def content_rows(session: Session, hashes: Iterable[str]) -> dict[str, tuple[str, int, bytes]]:
    """(name, size, bytes in the table) of each of these contents the table holds."""
    wanted = list(set(hashes))
    found: dict[str, tuple[str, int, bytes]] = {}
    for i in range(0, len(wanted), IN_LIST_MOST):
        among = Content.content_hash.in_(hash_list(session, wanted[i : i + IN_LIST_MOST]))
        query = select(Content.content_hash, Content.name, Content.size, Content.data).where(among)
        for digest, name, size, data in session.execute(query):
            found[digest] = (name, int(size), bytes(data))
    return found


def forget_contents(url: str, hashes: Iterable[str]) -> None:
    """Remove these contents' rows (a row whose bucket object is gone: the runner stores it again)."""
    wanted = list(set(hashes))
    with session_scope(url) as session:
        for i in range(0, len(wanted), IN_LIST_MOST):
            session.execute(delete(Content).where(Content.content_hash.in_(wanted[i : i + IN_LIST_MOST])))


def prunable_contents(version: str, unreferenced_before: datetime) -> Select[tuple[str]]:
    """Contents no audit still needs: those with a result of ``version`` (an audit of them is cached), and
    those no audit document names that were stored before ``unreferenced_before``."""
    audited = select(Result.content_hash).where(Result.pipeline_version == version)
    named = select(AuditDocument.content_hash)
    return select(Content.content_hash).where(
        Content.content_hash.in_(audited)
        | (Content.content_hash.not_in(named) & (Content.created_at < unreferenced_before))
    )


def prune_contents(
    session: Session,
    version: str,
    grace_seconds: float = UNREFERENCED_GRACE_SECONDS,
    remove_bytes: Callable[[list[str]], None] | None = None,
) -> tuple[int, int]:
    """Remove the contents no audit still needs (:func:`prunable_contents`); (contents, bytes) removed.

    ``remove_bytes`` (a bucket's objects) is called with their hashes before their rows go: a row is never left
    naming bytes that are gone but for a failure between the two, which a worker mends (:mod:`workers.blobs`)."""
    cutoff = datetime.fromtimestamp(now().timestamp() - grace_seconds, UTC)
    doomed = Content.content_hash.in_(prunable_contents(version, cutoff))
    if remove_bytes is None:
        count, size = session.execute(
            select(func.count(), func.coalesce(func.sum(Content.size), 0)).where(doomed)
        ).one()
        session.execute(delete(Content).where(doomed))
        return int(count), int(size)
    rows = session.execute(select(Content.content_hash, Content.size).where(doomed)).all()
    hashes = [digest for digest, _ in rows]
    for i in range(0, len(hashes), IN_LIST_MOST):
        chunk = hashes[i : i + IN_LIST_MOST]
        remove_bytes(chunk)
        session.execute(delete(Content).where(Content.content_hash.in_(chunk)))
    return len(rows), sum(int(size) for _, size in rows)


# ---- the database ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DatabaseContents:
    """The bytes in the content table's row."""

    db_url: str
    shown: str = "the database"

    def check(self) -> None:
        return None

    def stored(self, hashes: Iterable[str]) -> set[str]:
        with session_scope(self.db_url) as session:
            return stored_contents(session, hashes)

    def put_file(self, digest: str, name: str, path: Path, most_bytes: int) -> str | None:
        data, reason = file_bytes(path, digest, most_bytes)
        if data is None:
            return reason
        store_content(self.db_url, digest, name, data)
        return None

    def put_files(self, files: Sequence[FileToStore], most_bytes: int) -> list[tuple[str, str]]:
        """The files' bytes stored a transaction per :data:`STORE_CHUNK_BYTES`, not per file."""
        refused: list[tuple[str, str]] = []
        rows: list[dict[str, Any]] = []
        held = 0
        for digest, name, path in files:
            data, reason = file_bytes(path, digest, most_bytes)
            if data is None:
                refused.append((digest, reason))
                continue
            rows.append({"content_hash": digest, "name": name, "size": len(data), "data": data, "created_at": now()})
            held += len(data)
            if held >= STORE_CHUNK_BYTES:
                store_content_rows(self.db_url, rows)
                rows, held = [], 0
        if rows:
            store_content_rows(self.db_url, rows)
        return refused

    def read(self, hashes: Iterable[str], most_bytes: int) -> dict[str, Blob]:
        with session_scope(self.db_url) as session:
            rows = content_rows(session, hashes)
        found: dict[str, Blob] = {}
        for digest, (name, size, data) in rows.items():
            if len(data) != size:  # its bytes are in a bucket this process is not told of
                log.error("content %s is kept in a bucket, but %s is not set here", digest, BLOB_URL_ENV)
            elif size > most_bytes:
                found[digest] = Blob(name, None, too_large(size, most_bytes))
            else:
                found[digest] = Blob(name, data)
        return found

    def prune(self, version: str) -> tuple[int, int]:
        with session_scope(self.db_url) as session:
            return prune_contents(session, version)


def file_bytes(path: Path, digest: str, most_bytes: int) -> tuple[bytes | None, str]:
    """The file's bytes if they are still the content hashed and within ``most_bytes``; else None and why."""
    try:
        size = path.stat().st_size
        if size > most_bytes:
            return None, too_large(size, most_bytes)
        data = path.read_bytes()
    except OSError as exc:
        return None, f"cannot read file: {exc.strerror or exc}"
    if len(data) > most_bytes:
        return None, too_large(len(data), most_bytes)
    if hashlib.sha256(data).hexdigest() != digest:
        return None, CHANGED
    return data, ""


# ---- an S3-compatible bucket -----------------------------------------------------------------


@dataclass(frozen=True)
class BucketLocation:
    bucket: str
    prefix: str
    endpoint_url: str | None
    region: str | None

    def key(self, digest: str) -> str:
        return f"{self.prefix}/{digest}" if self.prefix else digest

    @property
    def shown(self) -> str:
        where = f" at {self.endpoint_url}" if self.endpoint_url else ""
        return f"the content store s3://{self.bucket}/{self.prefix}{where}"


def parse_blob_url(url: str) -> BucketLocation:
    """``s3://BUCKET/PREFIX?endpoint_url=…&region=…`` → its parts; :class:`ContentStoreError` when it is not one."""
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    unknown = sorted(set(query) - {"endpoint_url", "region"})
    if parts.scheme != "s3" or not parts.netloc:
        raise ContentStoreError(f"{BLOB_URL_ENV} must look like s3://BUCKET/PREFIX?endpoint_url=…, not {url!r}")
    if unknown:
        raise ContentStoreError(f"{BLOB_URL_ENV}: unknown option {', '.join(unknown)} (endpoint_url, region)")
    endpoint = query.get("endpoint_url") or None
    if endpoint and urlsplit(endpoint).scheme not in ("http", "https"):
        raise ContentStoreError(f"{BLOB_URL_ENV}: endpoint_url must be http:// or https://, not {endpoint!r}")
    return BucketLocation(parts.netloc, parts.path.strip("/"), endpoint, query.get("region") or None)


@cache
def s3_client(location: BucketLocation) -> Any:
    """One client per bucket and process (thread-safe; made in the process that uses it, after any fork)."""
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=CONNECT_SECONDS,
        read_timeout=READ_SECONDS,
        retries={"max_attempts": ATTEMPTS, "mode": "standard"},
        # checksums only where S3 requires them: S3-compatible servers differ on the newer default ones
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    region = location.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    return boto3.session.Session().client("s3", endpoint_url=location.endpoint_url, region_name=region, config=config)


def store_failure(location: BucketLocation, exc: Exception) -> ContentStoreError:
    """botocore's error as ours: away (waited for) when the endpoint did not answer, else why it cannot be used."""
    from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError, NoCredentialsError
    from botocore.exceptions import ConnectionError as BotoConnectionError

    if isinstance(exc, BotoConnectionError | HTTPClientError | ConnectionError | TimeoutError):
        return ContentStoreAway(location.shown, reason_of(exc))
    if isinstance(exc, NoCredentialsError):
        return ContentStoreError(f"{location.shown}: no credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in ("NoSuchBucket", "404") and not is_key_error(exc):
            return ContentStoreError(f"{location.shown}: the bucket {location.bucket!r} does not exist")
        if code in ("AccessDenied", "403", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
            return ContentStoreError(f"{location.shown}: access denied ({code}); check the AWS_* credentials")
        if isinstance(status, int) and status >= 500:
            return ContentStoreAway(location.shown, f"it answered {status} {code}")
        return ContentStoreError(f"{location.shown}: {code or status}: {error.get('Message', '')}".rstrip(": "))
    if isinstance(exc, BotoCoreError):
        return ContentStoreError(f"{location.shown}: {reason_of(exc)}")
    return ContentStoreError(f"{location.shown}: {type(exc).__name__}: {reason_of(exc)}")


def is_key_error(exc: Any) -> bool:
    return str(exc.response.get("Error", {}).get("Code", "")) == "NoSuchKey"


def first_line(exc: BaseException) -> str:
    """The exception's message, its first line ("" when it has none): what a one-line reason quotes."""
    return (str(exc).strip().splitlines() or [""])[0]


def reason_of(exc: BaseException) -> str:
    """The first line of the exception's message, or its type's name when it has none."""
    return first_line(exc) or type(exc).__name__


@dataclass(frozen=True)
class BucketContents:
    """The row in the content table, the bytes in an S3-compatible bucket."""

    db_url: str
    location: BucketLocation

    @property
    def shown(self) -> str:
        return self.location.shown

    @property
    def client(self) -> Any:
        return s3_client(self.location)

    def call(self, method: str, **kwargs: Any) -> Any:
        """One S3 request; botocore's errors as :class:`ContentStoreError` (a missing key as is)."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client, method)(Bucket=self.location.bucket, **kwargs)
        except ClientError as exc:
            if is_key_error(exc):
                raise
            raise store_failure(self.location, exc) from exc
        except (BotoCoreError, OSError) as exc:
            raise store_failure(self.location, exc) from exc

    def check(self) -> None:
        """The bucket answers and exists: a mistyped bucket or endpoint stops an audit before it queues anything."""
        try:
            self.call("head_bucket")
        except ContentStoreAway as exc:
            raise ContentStoreError(exc.reason) from exc

    def stored(self, hashes: Iterable[str]) -> set[str]:
        with session_scope(self.db_url) as session:
            return stored_contents(session, hashes)

    def put_file(self, digest: str, name: str, path: Path, most_bytes: int) -> str | None:
        try:
            size = path.stat().st_size
            if size > most_bytes:
                return too_large(size, most_bytes)
            with path.open("rb") as source:
                reason = self.upload(digest, source, most_bytes)
        except OSError as exc:
            if isinstance(exc, ContentStoreError):
                raise
            return f"cannot read file: {exc.strerror or exc}"
        if reason is None:
            store_content(self.db_url, digest, name, b"", size)
        return reason

    def put_files(self, files: Sequence[FileToStore], most_bytes: int) -> list[tuple[str, str]]:
        """Each file uploaded and its row written in turn (an upload's own requests outweigh its commit)."""
        found = ((file.digest, self.put_file(*file, most_bytes)) for file in files)
        return [(digest, reason) for digest, reason in found if reason is not None]

    def upload(self, digest: str, source: BinaryIO, most_bytes: int) -> str | None:
        """Stream ``source`` to the object of ``digest``, hashed on the way; None, or why it was abandoned."""
        first = source.read(PART_BYTES)
        rest = source.read(PART_BYTES)
        if not rest:  # one part: a plain PUT
            if len(first) > most_bytes:
                return too_large(len(first), most_bytes)
            if hashlib.sha256(first).hexdigest() != digest:
                return CHANGED
            self.call("put_object", Key=self.location.key(digest), Body=first)
            return None
        key = self.location.key(digest)
        upload_id = self.call("create_multipart_upload", Key=key)["UploadId"]
        try:
            reason = self.upload_parts(key, upload_id, digest, [first, rest], source, most_bytes)
        except BaseException:
            self.abandon(key, upload_id)
            raise
        if reason is not None:
            self.abandon(key, upload_id)
        return reason

    def upload_parts(
        self, key: str, upload_id: str, digest: str, parts: list[bytes], source: BinaryIO, most_bytes: int
    ) -> str | None:
        hasher = hashlib.sha256()
        done: list[dict[str, Any]] = []
        size = 0
        while parts:
            part = parts.pop(0)
            size += len(part)
            if size > most_bytes:
                return too_large(size, most_bytes)
            hasher.update(part)
            number = len(done) + 1
            answer = self.call("upload_part", Key=key, UploadId=upload_id, PartNumber=number, Body=part)
            done.append({"ETag": answer["ETag"], "PartNumber": number})
            if not parts and (following := source.read(PART_BYTES)):
                parts.append(following)
        if hasher.hexdigest() != digest:
            return CHANGED
        self.call("complete_multipart_upload", Key=key, UploadId=upload_id, MultipartUpload={"Parts": done})
        return None

    def abandon(self, key: str, upload_id: str) -> None:
        try:
            self.call("abort_multipart_upload", Key=key, UploadId=upload_id)
        except Exception as exc:  # the bucket's lifecycle rules clear what is left
            log.warning("could not abort the upload of %s: %s", key, exc)

    def read(self, hashes: Iterable[str], most_bytes: int) -> dict[str, Blob]:
        with session_scope(self.db_url) as session:
            rows = content_rows(session, hashes)
        found: dict[str, Blob] = {}
        gone: list[str] = []
        for digest, (name, size, data) in rows.items():
            if size > most_bytes:
                found[digest] = Blob(name, None, too_large(size, most_bytes))
            elif data and len(data) == size:  # stored in the row before the bucket was set
                found[digest] = Blob(name, data)
            elif (blob := self.download(digest, name, most_bytes)) is None:
                gone.append(digest)
            else:
                found[digest] = blob
        if gone:
            log.warning("%d contents had a row but no object in %s: rows removed, to be stored again", len(gone), self)
            forget_contents(self.db_url, gone)
        return found

    def download(self, digest: str, name: str, most_bytes: int) -> Blob | None:
        """The object's bytes, read no further than ``most_bytes``; None when there is no such object."""
        from botocore.exceptions import ClientError

        try:
            answer = self.call("get_object", Key=self.location.key(digest))
        except ClientError as exc:  # NoSuchKey: call() passes only that on
            log.debug("no object for %s: %s", digest, exc)
            return None
        body = answer["Body"]
        try:
            declared = int(answer.get("ContentLength") or 0)
            if declared > most_bytes:
                return Blob(name, None, too_large(declared, most_bytes))
            chunks: list[bytes] = []
            size = 0
            while size <= most_bytes and (chunk := body.read(READ_CHUNK)):
                chunks.append(chunk)
                size += len(chunk)
        except (ConnectionError, OSError) as exc:
            raise store_failure(self.location, exc) from exc
        finally:
            body.close()
        if size > most_bytes:
            return Blob(name, None, too_large(size, most_bytes))
        return Blob(name, b"".join(chunks))

    def delete_objects(self, hashes: list[str]) -> None:
        for i in range(0, len(hashes), DELETE_MOST):
            keys = [{"Key": self.location.key(digest)} for digest in hashes[i : i + DELETE_MOST]]
            answer = self.call("delete_objects", Delete={"Objects": keys, "Quiet": True})
            if errors := answer.get("Errors"):
                first = errors[0]
                raise ContentStoreError(f"{self.shown}: cannot delete {first.get('Key')}: {first.get('Code')}")

    def prune(self, version: str) -> tuple[int, int]:
        self.check()  # a mistyped bucket is told, not "removed 0" while the objects stay where they are
        with session_scope(self.db_url) as session:
            return prune_contents(session, version, remove_bytes=self.delete_objects)

    def __str__(self) -> str:
        return self.shown
