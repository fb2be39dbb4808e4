"""The client against a real ``serve`` (real HTTP, real local runs of shell tasks)."""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import io
import json
import os
import re
import shutil
import stat
import tempfile
import unittest
import uuid
from collections import Counter

from orchestration_client import (
    ApiError,
    BatchStatus,
    BundleError,
    Client,
    Run,
    ServerUnreachableError,
    Submission,
    bundling,
)
from tests.serve import KEY, Server, free_port

SERVER = Server()


def setUpModule() -> None:  # noqa: N802 (unittest's name)
    SERVER.start()


def tearDownModule() -> None:  # noqa: N802
    SERVER.stop()
    shutil.rmtree(SERVER.temp, ignore_errors=True)


def client(key: str | None = KEY) -> Client:
    return Client(SERVER.url, key=key, timeout=30)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


MIXED = {
    "maxParallelRuns": 8,
    "labels": {"suite": "python-client"},
    "defaults": {"timeoutSeconds": 60, "maxAttempts": 1},
    "tasks": [
        {"id": "ok", "n": 3, "command": "true", "labels": {"kind": "pass"}},
        {"id": "bad", "n": 2, "command": "false"},
        {"id": "echo", "n": 2, "command": "echo \"hello from run\""},
    ],
}


class FinishedBatchTests(unittest.TestCase):
    """One mixed batch (true, false, echo) submitted and waited for once; read many ways."""

    batch_id: str
    progress: str
    submission: Submission
    final: BatchStatus

    @classmethod
    def setUpClass(cls) -> None:
        api = client()
        submission = api.submit(dict(MIXED, id=unique("mixed")))
        cls.batch_id = submission.id
        lines = io.StringIO()
        cls.final = api.wait(submission.id, progress=True, timeout=90, stream=lines)
        cls.progress = lines.getvalue()
        cls.submission = submission

    def test_wait_EndsCompletedAndPrintsProgress(self) -> None:
        self.assertTrue(self.submission.created)
        self.assertEqual("completed", self.final.status)
        self.assertTrue(self.final.finished)
        self.assertIn(f"{self.batch_id}: completed, 7/7 done, 0 running", self.progress)

    def test_results_CountsEqualTheStatusAndTheRuns(self) -> None:
        results = client().results(self.batch_id)
        runs = client().runs(self.batch_id)

        self.assertEqual((3, 0), (results.task("ok").passed, results.task("ok").failed))
        self.assertEqual((0, 2), (results.task("bad").passed, results.task("bad").failed))
        self.assertEqual((2, 0), (results.task("echo").passed, results.task("echo").failed))
        self.assertEqual((7, 5, 2), (results.total.runs, results.total.passed, results.total.failed))
        assert results.total.pass_rate is not None
        self.assertAlmostEqual(5 / 7, results.total.pass_rate.rate, places=5)
        for counts in self.final.tasks:
            task = results.task(counts.id)
            self.assertEqual((counts.runs, counts.passed, counts.failed, counts.errored), (task.runs, task.passed, task.failed, task.errored))
        by_task = Counter((r.task, r.outcome) for r in runs)
        self.assertEqual({("ok", "passed"): 3, ("bad", "failed"): 2, ("echo", "passed"): 2}, dict(by_task))
        self.assertEqual({"kind": "pass", "suite": "python-client"}, next(r for r in runs if r.task == "ok").labels)
        self.assertEqual(1, next(r for r in runs if r.task == "bad").exit_code)

    def test_runs_FiltersByTaskOutcomeAndBoth(self) -> None:
        api = client()

        self.assertEqual([0, 1], sorted(r.run_index for r in api.runs(self.batch_id, task="bad")))
        self.assertEqual({"ok", "echo"}, {r.task for r in api.runs(self.batch_id, outcome="passed")})
        self.assertEqual(5, len(api.runs(self.batch_id, outcome="passed", page_size=2)))
        self.assertEqual([], api.runs(self.batch_id, task="ok", outcome="failed"))
        self.assertEqual(2, len(list(api.stream(self.batch_id, task="echo"))))

    def test_artifacts_Stdout_TheRunsBytes(self) -> None:
        api = client()

        self.assertEqual(b"hello from run\n", api.artifacts(self.batch_id, "echo", 1, "stdout"))
        self.assertEqual(b"hello from run\n", api.artifacts(self.batch_id, "echo", 0, "stdout", attempt=1))
        with self.assertRaises(ApiError) as missing:
            api.artifacts(self.batch_id, "echo", 0, "no-such-artifact")
        self.assertEqual(404, missing.exception.status)

    def test_cancel_FinishedBatch_ConflictProblem(self) -> None:
        with self.assertRaises(ApiError) as conflict:
            client().cancel(self.batch_id)

        self.assertEqual(409, conflict.exception.status)
        self.assertEqual("urn:orchestration:problem:conflict", conflict.exception.type)

    def test_submit_SameBatchAgain_SameIdNotCreated(self) -> None:
        again = client().submit(dict(MIXED, id=self.batch_id))

        self.assertEqual((self.batch_id, False, "completed"), (again.id, again.created, again.status))

    @unittest.skipUnless(importlib.util.find_spec("pandas"), "pandas is not installed (the error path is tested in test_frames)")
    def test_toDataframe_PassRatesPerTask(self) -> None:
        frame = client().to_dataframe(client().runs(self.batch_id))

        judged = frame[frame["outcome"].isin(["passed", "failed"])]
        rates = judged.assign(passed=judged["outcome"] == "passed").groupby("task")["passed"].mean().to_dict()
        self.assertEqual({"bad": 0.0, "echo": 1.0, "ok": 1.0}, rates)
        self.assertEqual(7, len(frame))
        self.assertIn("label.kind", frame.columns)


class SubmitAndWaitTests(unittest.TestCase):
    def test_wait_RunningBatch_LongPollsTheServerInsteadOfPollingFast(self) -> None:
        api = client()
        submission = api.submit({"id": unique("longpoll"), "tasks": [{"id": "sleeps", "n": 1, "command": "sleep 3"}]})

        final = api.wait(submission.id, progress=False, timeout=60)

        self.assertEqual("completed", final.status)
        polls = [int(m.group(1)) for m in re.finditer(rf"GET /api/batches/{submission.id} answered \d+ in (\d+) ms", SERVER.log())]
        self.assertLessEqual(len(polls), 10, polls)
        self.assertTrue(any(ms >= 900 for ms in polls), f"the server held a ?wait= request: {polls}")

    def test_submit_SameIdempotencyKeyTwice_OneBatch(self) -> None:
        key = unique("key")
        document = {"tasks": [{"id": "once", "n": 1, "command": "true"}]}

        first = client().submit(document, idempotency_key=key)
        second = client().submit(document, idempotency_key=key)

        self.assertEqual(first.id, second.id)
        self.assertEqual((True, False), (first.created, second.created))

    def test_submit_BrokenJsonFile_SentAsWrittenAndRefusedWithItsPosition(self) -> None:
        folder = tempfile.mkdtemp(prefix="broken-")
        self.addCleanup(shutil.rmtree, folder, True)
        file = os.path.join(folder, "broken.json")
        with open(file, "w", encoding="utf-8") as handle:
            handle.write('{"tasks": [')

        with self.assertRaises(ApiError) as refused:
            client().submit(file)

        self.assertEqual(400, refused.exception.status)
        self.assertEqual(["$"], [e.path for e in refused.exception.errors])
        self.assertIn("Not valid JSON at line 1", refused.exception.errors[0].message)


class StreamTests(unittest.TestCase):
    def test_stream_WhileRunning_EveryRunOnceAndEndsWithTheBatch(self) -> None:
        api = client()
        submission = api.submit({
            "id": unique("stream"), "maxParallelRuns": 4, "defaults": {"maxAttempts": 1},
            "tasks": [
                {"id": "slow", "n": 3, "command": "sleep 2; echo slow"},
                {"id": "fast", "n": 6, "command": "echo fast"},
            ]})

        follow = api.stream(submission.id, page_size=2)
        seen: list[Run] = []
        while True:
            try:
                seen.append(next(follow))
            except StopIteration as stop:
                final = stop.value
                break

        keys = [(r.task, r.run_index) for r in seen]
        self.assertEqual(len(keys), len(set(keys)), keys)
        self.assertEqual({("slow", i) for i in range(3)} | {("fast", i) for i in range(6)}, set(keys))
        self.assertTrue(final.finished)
        self.assertEqual(set(keys), {(r.task, r.run_index) for r in api.runs(submission.id)})
        # Judged order: the slow runs (2 s) come after most fast ones, whose rows were judged first.
        self.assertEqual("fast", seen[0].task)

    def test_run_Document_SubmitsStreamsAndReadsResults(self) -> None:
        called: list[Run] = []

        batch = client().run({"id": unique("run"), "tasks": [{"id": "hi", "n": 4, "command": "echo hi"}]}, on_run=called.append)

        self.assertEqual("completed", batch.status.status)
        self.assertEqual(4, len(batch.runs))
        self.assertEqual(batch.runs, called)
        assert batch.results is not None
        self.assertEqual(4, batch.results.task("hi").passed)


class CancelTests(unittest.TestCase):
    def test_cancel_RunningBatch_EndsCancelled(self) -> None:
        api = client()
        submission = api.submit({"id": unique("cancel"), "defaults": {"maxAttempts": 1}, "tasks": [{"id": "sleeps", "n": 2, "command": "sleep 60"}]})

        api.cancel(submission.id)
        final = api.wait(submission.id, progress=False, timeout=60)

        self.assertEqual("cancelled", final.status)
        self.assertEqual(2, api.results(submission.id).task("sleeps").cancelled)


class ErrorTests(unittest.TestCase):
    def test_submit_InvalidDocument_ValidationProblem(self) -> None:
        with self.assertRaises(ApiError) as invalid:
            client().submit({"tasks": [{"id": "zero", "n": 0, "command": "true"}]})

        error = invalid.exception
        self.assertEqual(400, error.status)
        self.assertEqual("urn:orchestration:problem:validation", error.type)
        self.assertEqual("The request is invalid.", error.title)
        self.assertEqual(["tasks[0].n"], [e.path for e in error.errors], "the problem lists what is wrong, by path")
        self.assertIn("tasks[0].n:", str(error))
        self.assertIsNotNone(error.problem)

    def test_status_UnknownId_NotFoundProblem(self) -> None:
        with self.assertRaises(ApiError) as missing:
            client().status("no-such-batch")

        self.assertEqual(404, missing.exception.status)
        self.assertEqual("No batch 'no-such-batch'.", missing.exception.detail)
        with self.assertRaises(ApiError) as results:
            client().results("no-such-batch")
        self.assertEqual(404, results.exception.status)

    def test_anyCall_WrongOrMissingKey_Unauthorized(self) -> None:
        for key in ("wrong-key", ""):
            with self.subTest(key=key), self.assertRaises(ApiError) as refused:
                client(key=key).status("any")
            self.assertEqual(401, refused.exception.status)
            self.assertEqual("urn:orchestration:problem:unauthorized", refused.exception.type)

    def test_anyCall_NothingListening_Unreachable(self) -> None:
        with self.assertRaises(ServerUnreachableError):
            Client(f"http://127.0.0.1:{free_port()}", key=KEY, timeout=5).status("any")


class BundleIdentityTests(unittest.TestCase):
    """The same batch file through the .NET command line and through Python: the same bundle, byte for byte."""

    def setUp(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="bundle-identity-")
        self.addCleanup(shutil.rmtree, self.folder, True)

    def write(self, relative: str, text: str, executable: bool = False) -> None:
        path = os.path.join(self.folder, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        if executable:
            os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)

    def test_submit_PathInputs_SameBundleAndSameBatchAsTheDotnetClient(self) -> None:
        # Arrange: nested folders, excluded folders at the top and at depth, an executable, a long and a non-ASCII name.
        self.write("repo/readme.txt", "hello from the repo\n")
        self.write("repo/src/lib/util.sh", "echo util\n")
        self.write("repo/bin/tool.sh", "#!/bin/sh\necho tool\n", executable=True)
        self.write("repo/.git/HEAD", "ref: refs/heads/main\n")
        self.write("repo/src/node_modules/deep/index.js", "module.exports = 2;\n")
        self.write("repo/src/lib/__pycache__/util.cpython-311.pyc", "x")
        self.write("repo/docs/" + "d" * 110 + ".md", "long name\n")
        self.write("repo/docs/café.md", "accent\n")
        self.write("settings.json", '{"strict": true}')
        os.makedirs(os.path.join(self.folder, "repo", "empty"))
        command = "cd input && find . | sort && test -x repo/bin/tool.sh && cat repo/readme.txt"
        batch = {"tasks": [{"id": "lists", "n": 1, "command": command,
                            "inputs": {"repo": {"path": "./repo"}, "settings.json": {"path": "settings.json"}}}]}
        file = os.path.join(self.folder, "identity.json")
        with open(file, "w", encoding="utf-8") as handle:
            json.dump(batch, handle)
        expected_tar = bundling.tar_bytes_of(bundling.folder_entries(os.path.join(self.folder, "repo")))
        expected_sha = hashlib.sha256(expected_tar).hexdigest()

        # Act: the .NET client first (it creates the batch), then Python with the same file.
        dotnet = SERVER.cli("submit", file)
        python = client().submit(file)

        # Assert: same id (derived from the file), and the server saw the same content (not created again).
        self.assertEqual(0, dotnet.returncode, dotnet.stderr)
        self.assertEqual(dotnet.stdout.splitlines()[0], python.id)
        self.assertFalse(python.created, "the server found the Python submission identical to the .NET one")
        self.assertIn(f"as bundle {expected_sha[:12]}", dotnet.stderr)
        stored = os.path.join(SERVER.data, "gcs", "local", "inputs", expected_sha + ".tar.gz")
        with gzip.open(stored, "rb") as uploaded:
            self.assertEqual(expected_tar, uploaded.read(), "the .NET client's tar and Python's are the same bytes")
        final = client().wait(python.id, progress=False, timeout=60)
        self.assertEqual("completed", final.status)
        listing = client().artifacts(python.id, "lists", 0, "stdout").decode("utf-8")
        self.assertIn("./repo/bin/tool.sh\n", listing)
        self.assertIn("./repo/docs/café.md\n", listing)
        self.assertNotIn(".git", listing)
        self.assertNotIn("node_modules", listing)
        self.assertNotIn("__pycache__", listing)
        self.assertTrue(listing.endswith("hello from the repo\n"))

    def test_submit_FolderChangedSinceTheDotnetSubmission_Conflict(self) -> None:
        self.write("repo/a.txt", "first\n")
        file = os.path.join(self.folder, "changed.json")
        with open(file, "w", encoding="utf-8") as handle:
            json.dump({"tasks": [{"id": "t", "n": 1, "command": "true", "inputs": {"repo": {"path": "repo"}}}]}, handle)
        dotnet = SERVER.cli("submit", file)
        self.write("repo/a.txt", "second\n")

        with self.assertRaises(ApiError) as conflict:
            client().submit(file)

        self.assertEqual(0, dotnet.returncode, dotnet.stderr)
        self.assertEqual(409, conflict.exception.status)

    def test_submit_PathLeavingTheFolder_RefusedBeforeAnythingIsSent(self) -> None:
        with self.assertRaises(BundleError) as refused:
            client().submit({"tasks": [{"id": "t", "n": 1, "command": "true", "inputs": {"x": {"path": "../elsewhere"}}}]},
                            base_dir=self.folder)

        self.assertIn("outside the batch file's folder", str(refused.exception))


if __name__ == "__main__":
    unittest.main()


class RejudgeTests(unittest.TestCase):
    """A finished batch judged again with a new flag rule: a new results version, version 1 as it ran."""

    def test_rejudge_NewFlagRule_NewVersionCountsByItAndVersionOneStays(self) -> None:
        api = client()
        batch_id = unique("rejudge")
        api.submit({"id": batch_id, "defaults": {"maxAttempts": 1},
                    "tasks": [{"id": "say", "n": 3, "command": "echo hello", "flags": {"greets": {"contains": "hello"}}}]})
        api.wait(batch_id, progress=False, timeout=90)

        rejudged = api.rejudge(batch_id, {"tasks": [{"id": "say", "flags": {"shouts": {"regex": "^HELLO"}}}]}, timeout=60)
        first = api.results(batch_id, version=1)
        latest = api.results(batch_id)

        assert isinstance(rejudged, type(first))
        self.assertEqual(2, rejudged.version)
        self.assertEqual(1, first.version)
        self.assertEqual(2, latest.version)
        self.assertEqual({"shouts": 0}, rejudged.task("say").flagged)
        self.assertEqual({"greets": 3}, first.task("say").flagged)
        self.assertIsNotNone(rejudged.rejudge)
        assert rejudged.rejudge is not None
        self.assertEqual(3, rejudged.rejudge["rejudged"])
        self.assertEqual("^HELLO", rejudged.rejudge["rules"]["tasks"][0]["flags"]["shouts"]["regex"])

        with self.assertRaises(ApiError) as bad:
            api.rejudge(batch_id, {"tasks": [{"id": "ghost", "flag": {"contains": "x"}}]})
        self.assertEqual(400, bad.exception.status)
        self.assertEqual("tasks[0].id", bad.exception.errors[0].path)
        with self.assertRaises(ApiError) as missing:
            api.results(batch_id, version=9)
        self.assertEqual(404, missing.exception.status)


    def test_rerun_TimedOutRuns_RunAgainAsANewVersionWhereTheyPassed(self) -> None:
        api = client()
        batch_id = unique("rerun")
        with tempfile.TemporaryDirectory() as folder:
            heal = os.path.join(folder, "heal")
            # Until "heal" exists the command outlives its 1-second limit: every run times out.
            api.submit({"id": batch_id, "defaults": {"maxAttempts": 1},
                        "tasks": [{"id": "slow", "n": 2, "timeoutSeconds": 1, "command": f"[ -e '{heal}' ] || sleep 20; echo ok"}]})
            api.wait(batch_id, progress=False, timeout=90)
            open(heal, "w").close()

            rerun = api.rerun(batch_id, timeout=90)
            first = api.results(batch_id, version=1)

            assert isinstance(rerun, type(first))
            self.assertEqual(2, rerun.version)
            self.assertEqual((2, 0), (rerun.task("slow").passed, rerun.task("slow").timed_out))
            self.assertEqual(2, first.task("slow").timed_out)
            assert rerun.rerun is not None
            self.assertEqual((["errored", "timedOut"], 2), (rerun.rerun["outcomes"], rerun.rerun["runs"]))
            self.assertEqual([2, 2], [r.attempts for r in api.runs(batch_id)])
            with self.assertRaises(ApiError) as nothing:
                api.rerun(batch_id)
            self.assertEqual(409, nothing.exception.status)
            with self.assertRaises(ApiError) as bad:
                api.rerun(batch_id, outcomes=["passed"])
            self.assertEqual((400, "outcomes[0]"), (bad.exception.status, bad.exception.errors[0].path))


class CompareAndDryRunTests(unittest.TestCase):
    """compare() of two finished batches, and dry_run() that plans without storing anything."""

    def test_compare_TwoFinishedBatches_VerdictsAndIntervals(self) -> None:
        api = client()
        a, b = unique("cmp-a"), unique("cmp-b")
        api.submit({"id": a, "defaults": {"maxAttempts": 1}, "tasks": [{"id": "fix", "n": 6, "command": "false"}]})
        api.submit({"id": b, "defaults": {"maxAttempts": 1}, "tasks": [{"id": "fix-v2", "n": 6, "command": "true"}]})
        api.wait(a, progress=False, timeout=90)
        api.wait(b, progress=False, timeout=90)

        comparison = api.compare(a, b, mapping={"fix": "fix-v2"})

        fix = comparison.task("fix")
        self.assertEqual((a, b), (comparison.a, comparison.b))
        self.assertEqual("fix-v2", fix["taskB"])
        self.assertEqual("B higher", fix["pass"]["verdict"])
        self.assertEqual([], comparison.unmatched_a)
        with self.assertRaises(ApiError) as unknown:
            api.compare(a, unique("nope"))
        self.assertEqual(404, unknown.exception.status)

    def test_dry_run_ValidAndInvalidDocuments_PlanWithoutAnythingStored(self) -> None:
        api = client()
        batch_id = unique("plan")

        plan = api.dry_run({"id": batch_id, "tasks": [{"id": "t", "n": 4, "command": "true", "timeoutSeconds": 60}]})

        self.assertEqual(4, plan["runs"])
        self.assertEqual(f"create batch '{batch_id}' and start it", plan["submitWould"])
        with self.assertRaises(ApiError) as gone:
            api.status(batch_id)
        self.assertEqual(404, gone.exception.status)
        with self.assertRaises(ApiError) as bad:
            api.dry_run({"tasks": [{"id": "t", "n": 0, "command": "true"}]})
        self.assertEqual(400, bad.exception.status)
        self.assertEqual("tasks[0].n", bad.exception.errors[0].path)

