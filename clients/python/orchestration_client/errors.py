"""The exceptions of the client: one for error answers (carrying the problem document), one for a server
that could not be reached, one for local inputs that cannot be bundled."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class OrchestrationError(Exception):
    """Base class of every error this client raises."""


@dataclass(frozen=True)
class ProblemError:
    """One validation problem of a problem document: where (a JSON path or a parameter) and what."""

    path: str
    message: str


class ApiError(OrchestrationError):
    """The server answered with an error status (4xx or 5xx).

    Carries the RFC 9457 problem document when the server sent one (``status``, ``title``, ``detail``,
    ``type``, ``errors``); otherwise ``problem`` is None and ``body`` holds the start of what came back.
    """

    def __init__(self, status: int, problem: dict[str, Any] | None, body: str | None = None, method: str = "", url: str = "") -> None:
        self.status = status
        self.problem = problem
        self.body = body
        self.method = method
        self.url = url
        problem = problem or {}
        self.title: str | None = problem.get("title")
        self.detail: str | None = problem.get("detail")
        self.type: str | None = problem.get("type")
        self.errors: list[ProblemError] = [
            ProblemError(str(e.get("path", "")), str(e.get("message", "")))
            for e in problem.get("errors") or [] if isinstance(e, dict)
        ]
        super().__init__(self._message())

    def _message(self) -> str:
        where = f" ({self.method} {self.url})" if self.method else ""
        if self.problem is None:
            return f"HTTP {self.status}{where}: {self.body or 'no body'}"
        lines = [f"HTTP {self.status}{where}: {self.title}"]
        if self.detail:
            lines.append(f"  {self.detail}")
        lines.extend(f"  {e.path}: {e.message}" for e in self.errors)
        if self.status in (401, 403):
            lines.append("  Pass the server's key as Client(url, key=...) or the ORCHESTRATION_KEY environment variable.")
        return "\n".join(lines)


class ServerUnreachableError(OrchestrationError):
    """The server could not be reached or did not answer in time (no HTTP answer at all)."""


class BundleError(OrchestrationError):
    """A local ``path`` input cannot be sent: outside the batch file's folder, through a link, missing, or too large."""


class PandasMissingError(OrchestrationError, ImportError):
    """:func:`to_dataframe` was called but pandas cannot be imported."""
