"""Typed views of documents a newer server writes: a batch stopped by its cost cap."""

from __future__ import annotations

import unittest

from orchestration_client.models import BatchStatus


class StoppedBatchTests(unittest.TestCase):
    def test_fromJson_StoppedByTheCostCap_FinishedWithSkippedCounts(self) -> None:
        status = BatchStatus.from_json({
            "id": "b", "status": "stopped", "createdAt": "2026-12-04T18:00:00Z", "lastUpdatedAt": "2026-12-04T18:05:00.1234567Z",
            "progress": {"total": 8, "pending": 0, "running": 0, "completed": 3, "skipped": 5},
            "tasks": [{"id": "review", "runs": 8, "passed": 3, "failed": 0, "errored": 0, "timedOut": 0, "cancelled": 0,
                       "flagged": {}, "skipped": 5}],
            "reason": "Stopped by the cost cap: the next run could cost up to $1.01311 and $3.013186 of the $3.50 cap is spent or reserved."})

        self.assertTrue(status.finished)
        self.assertEqual((3, 5), (status.progress.completed, status.progress.skipped))
        self.assertEqual((3, 0, 5), (status.tasks[0].passed, status.tasks[0].cancelled, status.tasks[0].skipped))
        self.assertTrue((status.reason or "").startswith("Stopped by the cost cap"))

    def test_fromJson_OlderServerWithoutSkipped_ZeroSkipped(self) -> None:
        status = BatchStatus.from_json({
            "id": "b", "status": "completed", "progress": {"total": 1, "pending": 0, "running": 0, "completed": 1},
            "tasks": [{"id": "t", "runs": 1, "passed": 1, "failed": 0, "errored": 0, "timedOut": 0, "cancelled": 0, "flagged": {}}],
            "reason": None})

        self.assertEqual((0, 0), (status.progress.skipped, status.tasks[0].skipped))


if __name__ == "__main__":
    unittest.main()
