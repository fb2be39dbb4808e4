"""Run rows as a pandas DataFrame, when pandas is installed (it is not a dependency of this client)."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

from .errors import PandasMissingError
from .models import Run

COLUMNS: tuple[str, ...] = (
    "batch", "task", "run_index", "outcome", "flags", "exit_code", "duration_seconds", "cost_usd", "attempts", "execution", "reason")
"""The fixed columns, in order; the task labels follow as ``label.NAME`` columns (sorted by name)."""


def to_dataframe(runs: Iterable[Run]) -> Any:
    """The runs as a ``pandas.DataFrame``: one row per run, the columns of :data:`COLUMNS` (``flags`` a tuple
    of names), then one ``label.NAME`` column per task label.

    Raises :class:`PandasMissingError` (an ImportError) naming what to install when pandas is absent.
    """
    try:
        pandas = importlib.import_module("pandas")
    except ImportError as error:
        raise PandasMissingError(
            "to_dataframe needs pandas, which is not installed (this client depends on nothing but the standard "
            "library). Install it with 'pip install pandas' (or 'apt-get install python3-pandas' for Debian's "
            "Python), or use the Run objects and their raw rows directly.") from error
    rows = list(runs)
    labels = sorted({name for run in rows for name in run.labels})
    records = [
        [getattr(run, column) for column in COLUMNS] + [run.labels.get(name) for name in labels]
        for run in rows
    ]
    return pandas.DataFrame.from_records(records, columns=[*COLUMNS, *(f"label.{name}" for name in labels)])
