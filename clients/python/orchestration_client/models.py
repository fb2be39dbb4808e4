"""Typed views of the API's documents: status, run rows, results, submissions.

Each keeps the document it was read from in ``raw``, so a field a newer server adds is still reachable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

FINISHED_STATUSES: frozenset[str] = frozenset({"completed", "cancelled", "failed", "terminated", "stopped"})
"""Statuses after which a batch changes no more (but for a purge)."""

OUTCOMES: tuple[str, ...] = ("passed", "failed", "errored", "timedOut", "cancelled")
"""The outcomes a run can be judged with (the ``outcome`` filter of :meth:`Client.runs`)."""


_FRACTION = re.compile(r"\.(\d+)")


def _time(value: Any) -> datetime | None:
    """An ISO 8601 time as .NET writes it: 1 to 7 fractional digits, which Python before 3.11 refuses
    unless there are 3 or 6, so they are made 6."""
    if not isinstance(value, str) or not value:
        return None
    six = _FRACTION.sub(lambda m: "." + (m.group(1) + "000000")[:6], value.replace("Z", "+00:00"), count=1)
    return datetime.fromisoformat(six)


@dataclass(frozen=True)
class Links:
    """Where a batch's documents are, relative to the server."""

    id: str
    status_uri: str
    results_uri: str
    runs_uri: str
    cancel_uri: str

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Links:
        return cls(doc.get("id", ""), doc.get("statusUri", ""), doc.get("resultsUri", ""), doc.get("runsUri", ""), doc.get("cancelUri", ""))


@dataclass(frozen=True)
class Submission:
    """The server's answer to a submission."""

    id: str
    """The batch id."""
    created: bool
    """True when this submission stored the batch; False when the same batch already existed."""
    status: str
    """Its status (``pending`` for a new one)."""
    links: Links
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Submission:
        # A server before "created" answered only links, and only for new or identical batches: count it as new.
        return cls(doc["id"], bool(doc.get("created", True)), str(doc.get("status", "pending")), Links.from_json(doc), doc)


@dataclass(frozen=True)
class PackProgress:
    """Packed executions of a batch's running chunks."""

    started: int
    running: int


@dataclass(frozen=True)
class Progress:
    """Run counts by phase."""

    total: int
    pending: int
    running: int
    completed: int
    packs: PackProgress | None = None
    skipped: int = 0
    """Never started: the batch's cost cap stopped it."""

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Progress:
        packs = doc.get("packs")
        return cls(int(doc.get("total", 0)), int(doc.get("pending", 0)), int(doc.get("running", 0)), int(doc.get("completed", 0)),
                   PackProgress(int(packs.get("started", 0)), int(packs.get("running", 0))) if isinstance(packs, dict) else None,
                   int(doc.get("skipped", 0)))


@dataclass(frozen=True)
class TaskCounts:
    """One task's counts in a status document."""

    id: str
    runs: int
    passed: int
    failed: int
    errored: int
    timed_out: int
    cancelled: int
    flagged: dict[str, int]
    """Flagged runs per flag name; while the batch runs only ``*`` (any flag) is known."""
    skipped: int = 0
    """Never started: the batch's cost cap stopped it."""

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> TaskCounts:
        return cls(doc["id"], int(doc.get("runs", 0)), int(doc.get("passed", 0)), int(doc.get("failed", 0)), int(doc.get("errored", 0)),
                   int(doc.get("timedOut", 0)), int(doc.get("cancelled", 0)), dict(doc.get("flagged") or {}), int(doc.get("skipped", 0)))


@dataclass(frozen=True)
class BatchStatus:
    """``GET /api/batches/{id}``: where a batch stands."""

    id: str
    status: str
    """pending, running, completed, cancelled, failed, terminated, stopped (by its cost cap) or purging."""
    created_at: datetime | None
    last_updated_at: datetime | None
    progress: Progress
    tasks: list[TaskCounts]
    reason: str | None
    """Why it failed, was cancelled or was stopped."""
    raw: dict[str, Any] = field(repr=False, compare=False)

    @property
    def finished(self) -> bool:
        """Whether the batch has finished (completed, cancelled, failed, terminated or stopped)."""
        return self.status in FINISHED_STATUSES

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> BatchStatus:
        return cls(doc["id"], doc["status"], _time(doc.get("createdAt")), _time(doc.get("lastUpdatedAt")),
                   Progress.from_json(doc.get("progress") or {}), [TaskCounts.from_json(t) for t in doc.get("tasks") or []],
                   doc.get("reason"), doc)


@dataclass(frozen=True)
class Run:
    """One judged run: a row of ``/runs`` (the same columns as its jsonl and csv forms)."""

    batch: str
    task: str
    run_index: int
    outcome: str
    """passed, failed, errored, timedOut or cancelled."""
    flags: tuple[str, ...]
    """Names of the flag rules that fired, sorted."""
    exit_code: int | None
    duration_seconds: float | None
    cost_usd: float | None
    attempts: int
    execution: str | None
    reason: str | None
    labels: dict[str, str]
    """The task's labels (the ``label.*`` columns)."""
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Run:
        flags = doc.get("flags") or ""
        return cls(
            doc["batch"], doc["task"], int(doc["runIndex"]), doc["outcome"],
            tuple(f for f in flags.split(";") if f) if isinstance(flags, str) else tuple(flags),
            doc.get("exitCode"),
            float(doc["durationSeconds"]) if doc.get("durationSeconds") is not None else None,
            float(doc["costUsd"]) if doc.get("costUsd") is not None else None,
            int(doc.get("attempts", 0)), doc.get("execution"), doc.get("reason"),
            {k[len("label."):]: v for k, v in doc.items() if k.startswith("label.") and v is not None},
            doc)


@dataclass(frozen=True)
class Rate:
    """A proportion with its 95% Wilson score interval."""

    count: int
    total: int
    rate: float
    lower: float
    upper: float

    @classmethod
    def from_json(cls, doc: dict[str, Any] | None) -> Rate | None:
        if not isinstance(doc, dict):
            return None
        return cls(int(doc["count"]), int(doc["total"]), float(doc["rate"]), float(doc["lower"]), float(doc["upper"]))


@dataclass(frozen=True)
class Durations:
    """Run durations (seconds) over the runs that ran: nearest-rank median and 95th percentile."""

    count: int
    p50: float
    p95: float


@dataclass(frozen=True)
class Cost:
    """What a task or batch cost."""

    vcpu_seconds: float
    gib_seconds: float
    cloud_run_usd: float
    claude_usd: float
    total_usd: float


@dataclass(frozen=True)
class Stats:
    """Counts, rates, durations, cost and attempts of a task or of the whole batch.

    Rates use passed + failed as denominator: errored, timed-out and cancelled runs say nothing about the task.
    """

    runs: int
    passed: int
    failed: int
    errored: int
    timed_out: int
    cancelled: int
    flagged: dict[str, int]
    pass_rate: Rate | None
    flag_rates: dict[str, Rate | None]
    duration: Durations | None
    cost: Cost
    attempts: int
    retries: int

    @staticmethod
    def fields_from_json(doc: dict[str, Any]) -> dict[str, Any]:
        duration = doc.get("duration")
        cost = doc.get("cost") or {}
        return {
            "runs": int(doc.get("runs", 0)), "passed": int(doc.get("passed", 0)), "failed": int(doc.get("failed", 0)),
            "errored": int(doc.get("errored", 0)), "timed_out": int(doc.get("timedOut", 0)), "cancelled": int(doc.get("cancelled", 0)),
            "flagged": dict(doc.get("flagged") or {}),
            "pass_rate": Rate.from_json(doc.get("passRate")),
            "flag_rates": {k: Rate.from_json(v) for k, v in (doc.get("flagRates") or {}).items()},
            "duration": Durations(int(duration["count"]), float(duration["p50"]), float(duration["p95"])) if isinstance(duration, dict) else None,
            "cost": Cost(float(cost.get("vcpuSeconds", 0)), float(cost.get("gibSeconds", 0)), float(cost.get("cloudRunUsd", 0)),
                         float(cost.get("claudeUsd", 0)), float(cost.get("totalUsd", 0))),
            "attempts": int(doc.get("attempts", 0)), "retries": int(doc.get("retries", 0)),
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Stats:
        return cls(**cls.fields_from_json(doc))


@dataclass(frozen=True)
class TaskStats(Stats):
    """One task's aggregate."""

    ordinal: int = 0
    id: str = ""

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> TaskStats:
        return cls(**Stats.fields_from_json(doc), ordinal=int(doc.get("ordinal", 0)), id=str(doc.get("id", "")))


@dataclass(frozen=True)
class Results:
    """``GET /api/batches/{id}/results``: the aggregate of a finished batch, per task and in total."""

    tasks: list[TaskStats]
    total: Stats
    started_at: datetime | None
    completed_at: datetime | None
    raw: dict[str, Any] = field(repr=False, compare=False)
    version: int = 1
    """The results version: 1 is the aggregate the batch ended with, each rejudge or rerun adds one."""
    rejudge: dict[str, Any] | None = field(default=None, repr=False)
    """For a rejudged version: the rules applied (``rules``) and ``rejudged``, ``changed``, ``kept`` and
    ``notRejudgeable`` (each run the new rules could not judge, with the reason)."""
    rerun: dict[str, Any] | None = field(default=None, repr=False)
    """For a version a rerun made: ``outcomes`` (whose runs ran again), ``runs`` (how many) and ``requestedAt``."""

    def task(self, task_id: str) -> TaskStats:
        """The aggregate of one task (KeyError when the batch has no such task)."""
        for task in self.tasks:
            if task.id == task_id:
                return task
        raise KeyError(task_id)

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Results:
        return cls([TaskStats.from_json(t) for t in doc.get("tasks") or []], Stats.from_json(doc.get("total") or {}),
                   _time(doc.get("startedAt")), _time(doc.get("completedAt")), doc,
                   int(doc.get("version") or 1), doc.get("rejudge"), doc.get("rerun"))


@dataclass(frozen=True)
class BatchRun:
    """What :meth:`Client.run` returns: the batch, every run as it was judged, its final status and results."""

    id: str
    status: BatchStatus
    runs: list[Run]
    """Every run, in the order they were judged."""
    results: Results | None
    """The aggregate; None when the batch ended without one."""


@dataclass(frozen=True)
class Comparison:
    """``GET /api/compare``: batch B against batch A, per matched task and over all matched tasks.

    Each entry of ``tasks`` (and ``overall``) has ``pass`` (and ``flags``: name to the same shape): the two rates
    with their Wilson intervals, the difference B - A with its Newcombe interval, the Fisher exact p and the
    Holm-adjusted p, the verdict, and the runs per arm needed to detect ``detectable_difference``.
    """

    a: str
    b: str
    detectable_difference: float
    rule: str
    tasks: list[dict[str, Any]]
    overall: dict[str, Any]
    unmatched_a: list[str]
    unmatched_b: list[str]
    raw: dict[str, Any] = field(repr=False, compare=False)

    def task(self, task_id: str) -> dict[str, Any]:
        """The comparison of one matched task, by its id in A (KeyError when it was not matched)."""
        for task in self.tasks:
            if task.get("taskA") == task_id:
                return task
        raise KeyError(task_id)

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Comparison:
        return cls(doc["a"], doc["b"], float(doc.get("detectableDifference", 0.1)), doc.get("rule", ""),
                   list(doc.get("tasks") or []), dict(doc.get("overall") or {}),
                   list(doc.get("unmatchedA") or []), list(doc.get("unmatchedB") or []), doc)

