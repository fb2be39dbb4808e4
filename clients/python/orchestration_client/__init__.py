"""A Python client of the Orchestration HTTP API (``orchestration serve`` or the Functions app).

Standard library only::

    from orchestration_client import Client

    client = Client("http://127.0.0.1:8080", key="...")
    batch = client.run({"tasks": [{"id": "hello", "n": 10, "command": "echo hello"}]})
    print(batch.results.total.pass_rate)
"""

from .bundling import EXCLUDED_FOLDERS, Bundle, PathInputs
from .client import Client, derived_id
from .errors import ApiError, BundleError, OrchestrationError, PandasMissingError, ProblemError, ServerUnreachableError
from .frames import to_dataframe
from .models import (
    FINISHED_STATUSES,
    OUTCOMES,
    BatchRun,
    BatchStatus,
    Comparison,
    Cost,
    Durations,
    Links,
    PackProgress,
    Progress,
    Rate,
    Results,
    Run,
    Stats,
    Submission,
    TaskCounts,
    TaskStats,
)

__version__ = "0.1.0"

__all__ = [
    "EXCLUDED_FOLDERS", "FINISHED_STATUSES", "OUTCOMES",
    "ApiError", "BatchRun", "BatchStatus", "Bundle", "BundleError", "Client", "Comparison", "Cost", "Durations", "Links",
    "OrchestrationError", "PackProgress", "PandasMissingError", "PathInputs", "ProblemError", "Progress", "Rate",
    "Results", "Run", "ServerUnreachableError", "Stats", "Submission", "TaskCounts", "TaskStats",
    "derived_id", "to_dataframe",
]
