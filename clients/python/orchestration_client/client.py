"""The HTTP API of ``orchestration serve`` or the Functions app, for Python: standard library only."""

from __future__ import annotations

import copy
import hashlib
import json
import math
import os
import socket
import sys
import time
import uuid
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from email.message import Message
from typing import IO, Any

from .bundling import PathInputs
from .errors import ApiError, OrchestrationError, ServerUnreachableError
from .frames import to_dataframe
from .models import FINISHED_STATUSES, BatchRun, BatchStatus, Comparison, Results, Run, Submission

KEY_HEADER = "x-functions-key"
DEFAULT_URL = "http://127.0.0.1:8080"
URL_VARIABLE = "ORCHESTRATION_URL"
KEY_VARIABLE = "ORCHESTRATION_KEY"

_MAX_WAIT_SECONDS = 60
"""The longest ``?wait=`` asked for (the server's default bound)."""
_POLL_EVERY = 0.5
"""The wait asked for when the server gives no Retry-After (as the .NET client)."""
_FOLLOW_POLL_INTERVAL = 1.0
"""How long :meth:`Client.stream` waits after a page with nothing new (as ``runs --follow``)."""
_UPLOAD_TIMEOUT = 600.0

Document = Mapping[str, Any]


class Client:
    """A client of the Orchestration HTTP API.

    ``url`` is the server (default: env ``ORCHESTRATION_URL``, else ``http://127.0.0.1:8080``); ``key`` the API
    key, sent only in the ``x-functions-key`` header (default: env ``ORCHESTRATION_KEY``); ``timeout`` the
    seconds a request may take (long polls get their wait on top). Error answers raise :class:`ApiError`
    carrying the problem document; no answer at all raises :class:`ServerUnreachableError`.
    """

    def __init__(self, url: str | None = None, key: str | None = None, timeout: float = 30.0) -> None:
        text = url or os.environ.get(URL_VARIABLE) or DEFAULT_URL
        parsed = urllib.parse.urlsplit(text)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"'{text}' is not an http(s) URL such as {DEFAULT_URL}.")
        # Routes are relative to the base, so a path base (a Functions app behind a gateway) is kept.
        self.url = text if text.endswith("/") else text + "/"
        self.timeout = timeout
        self._key = key if key is not None else os.environ.get(KEY_VARIABLE)

    def __repr__(self) -> str:
        return f"Client({self.url!r}, key={'***' if self._key else None})"

    # ----- submit -----

    def submit(self, doc_or_path: Document | str | os.PathLike[str], idempotency_key: str | None = None,
               base_dir: str | os.PathLike[str] | None = None) -> Submission:
        """Submits a batch: a document (dict) or the path of a batch file (JSON).

        As the .NET ``submit``: a file without an id gets one from its name and content (the same file is
        the same batch); local ``path`` inputs are sent first, a folder as a bundle and a file inline. Paths
        are relative to the file's folder, or for a dict to ``base_dir`` (default: the current folder).
        ``idempotency_key`` names a batch without an id, so a retried submission finds it again.
        """
        body = self._prepared(doc_or_path, base_dir, upload=True)
        headers = {"Content-Type": "application/json"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        _, _, answer = self._request("POST", "api/batches", body, headers)
        return Submission.from_json(json.loads(answer))

    def dry_run(self, doc_or_path: Document | str | os.PathLike[str], idempotency_key: str | None = None,
                base_dir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
        """Plans a batch without starting or storing anything (``POST /api/batches?dryRun=true``).

        Checks the document exactly as :meth:`submit` would (problems raise :class:`ApiError` with 400) and
        returns the plan: runs, chunks, jobs, input sets (which are already uploaded), whether the batch exists,
        and the cost bounds per task. Local ``path`` inputs are bundled to learn their hashes, never uploaded.
        """
        body = self._prepared(doc_or_path, base_dir, upload=False)
        headers = {"Content-Type": "application/json"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        _, _, answer = self._request("POST", "api/batches" + _query(dryRun="true"), body, headers)
        plan: dict[str, Any] = json.loads(answer)
        return plan

    def compare(self, a: str, b: str, mapping: Mapping[str, str] | None = None, mde: float | None = None) -> Comparison:
        """B against A (``GET /api/compare``): per matched task and overall, pass and flag rates with 95% intervals,
        B - A with its Newcombe interval, Fisher exact p (Holm-adjusted across tasks), a verdict, and the runs per
        arm needed to detect ``mde`` (default 0.10). ``mapping`` pairs task ids of A with task ids of B; other
        tasks match by id. Both batches must have finished (409 ApiError otherwise).
        """
        pairs = ",".join(f"{task_a}:{task_b}" for task_a, task_b in (mapping or {}).items()) or None
        _, _, body = self._request("GET", "api/compare" + _query(a=a, b=b, map=pairs, mde=mde))
        return Comparison.from_json(json.loads(body))

    def _prepared(self, doc_or_path: Document | str | os.PathLike[str], base_dir: str | os.PathLike[str] | None, upload: bool) -> bytes:
        """The body to send for a document or batch file, its path inputs rewritten (bundles uploaded when asked)."""
        if isinstance(doc_or_path, (str, os.PathLike)):
            path = os.fspath(doc_or_path)
            with open(path, "rb") as handle:
                content = handle.read()
            body, document = _with_id(content, os.path.basename(path))
            root = os.path.dirname(os.path.abspath(path))
        elif isinstance(doc_or_path, Mapping):
            document = copy.deepcopy(dict(doc_or_path))
            body = None
            root = os.fspath(base_dir) if base_dir is not None else os.getcwd()
        else:
            raise TypeError("submit takes a batch document (dict) or the path of a batch file.")

        if document is not None:
            inputs = PathInputs(root)
            try:
                if inputs.rewrite(document) > 0 or body is None:
                    body = json.dumps(document, separators=(",", ":")).encode("utf-8")
                for bundle in inputs.bundles if upload else []:
                    self._put_bundle(bundle.sha256, bundle.gzip_path)
            finally:
                inputs.delete_bundles()
        assert body is not None
        return body

    def _put_bundle(self, sha256: str, gzip_path: str) -> None:
        """``PUT /api/inputs/{sha256}``: put-if-absent, so 409 (already there) is success too."""
        size = os.path.getsize(gzip_path)
        with open(gzip_path, "rb") as data:
            self._request("PUT", f"api/inputs/{sha256}", data,
                          {"Content-Type": "application/gzip", "Content-Length": str(size)},
                          timeout=max(self.timeout, _UPLOAD_TIMEOUT), accept=(409,))

    # ----- status -----

    def status(self, batch_id: str) -> BatchStatus:
        """A batch's status document."""
        _, _, body = self._request("GET", _batch(batch_id))
        return BatchStatus.from_json(json.loads(body))

    def wait(self, batch_id: str, progress: bool = True, timeout: float | None = None,
             stream: IO[str] | None = None) -> BatchStatus:
        """Waits until the batch has ended and returns its last status.

        Follows the server's asynchronous request-reply contract as ``status --watch`` does: 202 while it
        runs, 200 once it has ended; each next read is a long poll (``?wait=``) of the server's Retry-After,
        so a change shows at once. With ``progress``, a line per change goes to stderr (or ``stream``).
        ``timeout`` (seconds, default none) raises TimeoutError; the batch runs on either way.
        """
        out = stream if stream is not None else sys.stderr
        deadline = None if timeout is None else time.monotonic() + timeout
        shown = None
        status, ended, retry_after = self._poll(batch_id, None)
        while True:
            if progress:
                p = status.progress
                line = f"{status.id}: {status.status}, {p.completed}/{p.total} done, {p.running} running"
                if line != shown:
                    shown = line
                    print(line, file=out, flush=True)
            if ended:
                return status
            wait = retry_after if retry_after is not None else _POLL_EVERY
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"Batch {batch_id} did not end within {timeout} s (it is {status.status}).")
                wait = min(wait, left)
            status, ended, retry_after = self._poll(batch_id, wait)

    def _poll(self, batch_id: str, wait: float | None) -> tuple[BatchStatus, bool, float | None]:
        query = ""
        if wait is not None:
            query = f"?wait={min(max(math.ceil(wait), 1), _MAX_WAIT_SECONDS)}"
        code, headers, body = self._request("GET", _batch(batch_id) + query, timeout=self.timeout + (_MAX_WAIT_SECONDS if wait else 0))
        status = BatchStatus.from_json(json.loads(body))
        # 200 from a server before the 202 contract answered for running batches too: the document then decides.
        ended = code != 202 and status.status in FINISHED_STATUSES
        return status, ended, _retry_after(headers.get("Retry-After"))

    # ----- results and runs -----

    def results(self, batch_id: str, version: int | None = None, timeout: float | None = None) -> Results:
        """The aggregate of a finished batch (404 ApiError while it runs).

        ``version`` picks a results version: 1 is the aggregate the batch ended with, each rejudge adds one
        (default: the latest). A version whose rejudge is still judging is waited for, at the server's
        Retry-After, up to ``timeout`` seconds (default: without limit); then TimeoutError.
        """
        if version is None:
            _, _, body = self._request("GET", _batch(batch_id) + "/results")
            return Results.from_json(json.loads(body))
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            status, headers, body = self._request("GET", _batch(batch_id) + "/results" + _query(version=version), accept=(202,))
            if status != 202:
                return Results.from_json(json.loads(body))
            pause = _retry_after(headers.get("Retry-After")) or 1.0
            if deadline is not None and time.monotonic() + pause > deadline:
                raise TimeoutError(f"results version {version} of {batch_id} is still being judged after {timeout} s")
            time.sleep(pause)

    def rejudge(self, batch_id: str, rules: Document, wait: bool = True, timeout: float | None = None) -> Results | int:
        """Judges a finished batch's runs again with new ``pass``/``flag``/``flags`` rules per task, from their
        stored results (nothing runs again), as a new results version.

        ``rules`` is ``{"tasks": [{"id": ..., "flags": {...}}]}`` as in the batch document. With ``wait``
        (default) returns the new version's :class:`Results`; else its version number. Rule problems raise
        :class:`ApiError` (400) with every problem at its path; a batch still running raises one with 409.
        """
        _, _, body = self._request("POST", _batch(batch_id) + "/rejudge", json.dumps(rules).encode("utf-8"),
                                   {"Content-Type": "application/json"})
        version = int(json.loads(body)["version"])
        return self.results(batch_id, version=version, timeout=timeout) if wait else version

    def rerun(self, batch_id: str, outcomes: list[str] | None = None, wait: bool = True, timeout: float | None = None,
              idempotency_key: str | None = None) -> Results | int:
        """Runs again, as part of the same batch, the runs of a finished batch that ended with ``outcomes``
        (default ``["errored", "timedOut"]``; ``"cancelled"`` too): same inputs and specs, attempt numbers go on.

        The batch runs again and ends with a new results version. With ``wait`` (default) returns that version's
        :class:`Results` once the rerun has ended (``timeout`` bounds the wait); else its version number. Sent
        with an ``Idempotency-Key`` (a fresh one unless given), so a retried call never starts a second rerun.
        A batch still running, or with no such runs, raises :class:`ApiError` with 409; a bad outcome, 400.
        """
        body = json.dumps({"outcomes": outcomes}).encode("utf-8") if outcomes else b""
        headers = {"Content-Type": "application/json", "Idempotency-Key": idempotency_key or uuid.uuid4().hex}
        _, _, answer = self._request("POST", _batch(batch_id) + "/rerun", body, headers)
        version = int(json.loads(answer)["version"])
        return self.results(batch_id, version=version, timeout=timeout) if wait else version

    def runs(self, batch_id: str, task: str | None = None, outcome: str | None = None, page_size: int | None = None) -> list[Run]:
        """Every finished run's row (all pages), optionally of one task and/or one outcome."""
        rows: list[Run] = []
        token: str | None = None
        while True:
            query = _query(format="json", task=task, outcome=outcome, top=page_size, continuationToken=token)
            _, _, body = self._request("GET", _batch(batch_id) + "/runs" + query)
            page = json.loads(body)
            rows.extend(Run.from_json(item) for item in page.get("items") or [])
            token = page.get("continuationToken")
            if not token:
                return rows

    def stream(self, batch_id: str, task: str | None = None, outcome: str | None = None, page_size: int | None = None,
               poll_interval: float = _FOLLOW_POLL_INTERVAL) -> Iterator[Run]:
        """Yields each run once, as it is judged, in judged order; ends once the batch has ended.

        Pages through ``GET /api/batches/{id}/runs?after=CURSOR&limit=N`` with the server's cursor, as
        ``runs --follow`` does: the status is read before each page (every row is written before a batch
        ends, so a page read after an ended status holds the last rows), and it stops after a page that
        brought nothing new once the batch had ended. The generator's return value is that last status.
        """
        cursor = ""
        while True:
            status = self.status(batch_id)
            query = _query(format="json", after=cursor, task=task, outcome=outcome, limit=page_size)
            _, headers, body = self._request("GET", _batch(batch_id) + "/runs" + query)
            page = json.loads(body)
            for item in page.get("items") or []:
                yield Run.from_json(item)
            following = page.get("next") or headers.get("Next-Cursor")
            if following is None:
                raise OrchestrationError("The server sent no cursor (next): it cannot stream runs.")
            nothing_new = following == cursor
            cursor = following
            if nothing_new and status.finished:
                return status
            if nothing_new:
                time.sleep(poll_interval)

    def run(self, doc_or_path: Document | str | os.PathLike[str], on_run: Callable[[Run], None] | None = None,
            idempotency_key: str | None = None, base_dir: str | os.PathLike[str] | None = None) -> BatchRun:
        """Submits a batch, streams its runs as they are judged (each to ``on_run`` when given) until it
        ends, then reads its results: the peers' ``run`` in one call."""
        submission = self.submit(doc_or_path, idempotency_key=idempotency_key, base_dir=base_dir)
        runs: list[Run] = []
        follow = self.stream(submission.id)
        while True:
            try:
                row = next(follow)
            except StopIteration as stop:
                final: BatchStatus = stop.value
                break
            runs.append(row)
            if on_run is not None:
                on_run(row)
        try:
            results: Results | None = self.results(submission.id)
        except ApiError as error:
            if error.status != 404:
                raise
            results = None
        return BatchRun(submission.id, final, runs, results)

    def artifacts(self, batch_id: str, task: str, index: int, name: str, attempt: int | None = None) -> bytes:
        """One artifact of a run (stdout, stderr, response, transcript, output, result), of its last attempt
        or of ``attempt`` (from 1), as bytes."""
        route = f"{_batch(batch_id)}/runs/{_escape(task)}/{int(index)}/artifacts/{_escape(name)}" + _query(attempt=attempt)
        _, _, body = self._request("GET", route)
        return body

    def cancel(self, batch_id: str) -> None:
        """Cancels a running batch (409 ApiError once it has finished)."""
        self._request("POST", _batch(batch_id) + "/cancel", b"")

    @staticmethod
    def to_dataframe(runs: list[Run] | Iterator[Run]) -> Any:
        """The runs as a pandas DataFrame (see :func:`orchestration_client.to_dataframe`)."""
        return to_dataframe(runs)

    # ----- HTTP -----

    def _request(self, method: str, route: str, body: bytes | IO[bytes] | None = None, headers: dict[str, str] | None = None,
                 timeout: float | None = None, accept: tuple[int, ...] = ()) -> tuple[int, Message, bytes]:
        url = self.url + route
        request = urllib.request.Request(url, data=body, method=method)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        if self._key:
            request.add_header(KEY_HEADER, self._key)
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            with error:
                content = error.read()
            if error.code in accept:
                return error.code, error.headers, content
            raise _api_error(error.code, content, method, url) from None
        except (urllib.error.URLError, ConnectionError, socket.timeout, TimeoutError) as error:
            reason = getattr(error, "reason", error)
            raise ServerUnreachableError(f"Could not reach {self.url} ({method} {route}): {reason}") from error


def _api_error(code: int, content: bytes, method: str, url: str) -> ApiError:
    text = content.decode("utf-8", "replace")
    try:
        document = json.loads(text)
        if isinstance(document, dict) and "title" in document and "status" in document:
            return ApiError(code, document, None, method, url)
    except ValueError:
        pass  # Not a problem document (a proxy's page, a crash): carried as text.
    return ApiError(code, None, text if len(text) <= 500 else text[:500] + "...", method, url)


def _escape(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def _batch(batch_id: str) -> str:
    return "api/batches/" + _escape(batch_id)


def _query(**parts: Any) -> str:
    pairs = [f"{name}={_escape(str(value))}" for name, value in parts.items() if value is not None]
    return "?" + "&".join(pairs) if pairs else ""


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        return None  # An HTTP date: the client's own pace.


def _with_id(content: bytes, file_name: str) -> tuple[bytes, dict[str, Any] | None]:
    """The file's document with an id, as the .NET client's ``BatchFile.WithId``: its own, or one from its
    name and the SHA-256 of its bytes. Returns the body to send and the parsed document (None when the file
    is no JSON object: it then goes as written and the server names the problem)."""
    derived = derived_id(file_name, content)
    text = content[3:] if content.startswith(b"\xef\xbb\xbf") else content
    try:
        document = json.loads(text)
    except ValueError:
        return content, None
    if not isinstance(document, dict):
        return content, None
    if "id" not in document:
        document["id"] = derived
        return json.dumps(document, separators=(",", ":")).encode("utf-8"), document
    return content, document


def derived_id(file_name: str, content: bytes) -> str:
    """The id the .NET client gives a batch file without one: its name's stem (letters, digits, ``.``, ``_``,
    ``-``; at most 40) and the first 12 hex digits of the SHA-256 of its bytes."""
    stem = file_name.rpartition(".")[0] if "." in file_name else file_name
    cleaned = "".join(c if (c.isascii() and c.isalnum()) or c in "._-" else ("--" if ord(c) > 0xFFFF else "-") for c in stem)
    prefix = cleaned.lstrip("._-")
    prefix = prefix[:40] if prefix else "batch"
    return f"{prefix}-{hashlib.sha256(content).hexdigest()[:12]}"
