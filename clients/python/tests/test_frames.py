"""to_dataframe with pandas (when installed) and without it (simulated)."""

from __future__ import annotations

import importlib.util
import sys
import unittest
from unittest import mock

from orchestration_client import Client, PandasMissingError, Run, to_dataframe


def row(task: str, index: int, outcome: str, **extra: object) -> Run:
    return Run.from_json({
        "batch": "b", "task": task, "runIndex": index, "outcome": outcome, "flags": "", "exitCode": 0 if outcome == "passed" else 1,
        "durationSeconds": 0.5, "costUsd": 0.0001, "attempts": 1, "execution": None, "reason": None, **extra})


class WithoutPandasTests(unittest.TestCase):
    def test_toDataframe_PandasAbsent_ImportErrorSayingWhatToInstall(self) -> None:
        # A None entry in sys.modules makes 'import pandas' fail, as on a machine without it.
        with mock.patch.dict(sys.modules, {"pandas": None}), self.assertRaises(ImportError) as missing:
            Client.to_dataframe([row("t", 0, "passed")])

        self.assertIsInstance(missing.exception, PandasMissingError)
        self.assertIn("pip install pandas", str(missing.exception))
        self.assertIn("python3-pandas", str(missing.exception))


@unittest.skipUnless(importlib.util.find_spec("pandas"), "pandas is not installed (the error path is tested above)")
class WithPandasTests(unittest.TestCase):
    def test_toDataframe_Runs_OneRowEachWithLabelColumns(self) -> None:
        runs = [row("a", 0, "passed", **{"label.team": "x"}), row("a", 1, "failed", flags="slow;loud", **{"label.team": "x"}),
                row("b", 0, "errored")]

        frame = to_dataframe(runs)

        self.assertEqual(["batch", "task", "run_index", "outcome", "flags", "exit_code", "duration_seconds", "cost_usd",
                          "attempts", "execution", "reason", "label.team"], list(frame.columns))
        self.assertEqual(3, len(frame))
        self.assertEqual(("slow", "loud"), frame.loc[1, "flags"])
        self.assertEqual(["x", "x", None], frame["label.team"].tolist())


if __name__ == "__main__":
    unittest.main()
