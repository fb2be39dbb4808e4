using System.Text.Json;

namespace Orchestration.Server.Tests;

/// <summary>The remote commands (submit, status, results, runs, pull, cancel, purge, list) as child processes
/// against <c>serve</c> running with an API key: real HTTP, real local runs.</summary>
public sealed class RemoteCommandTests(RemoteServerFixture server) : IClassFixture<RemoteServerFixture>
{
    [Fact]
    public async Task Submit_PathInputWithGitAndNodeModules_ExcludedFoldersNeverReachTheRun()
    {
        var file = Batch("listing", """
            {"tasks": [
              {"id": "lists", "n": 2, "command": "cd input && find . -type f | sort && cat repo/readme.txt",
               "inputs": {"repo": {"path": "./repo"}, "settings.json": {"path": "settings.json"}}},
              {"id": "fails", "n": 1, "command": "echo oops >&2; exit 3"}
            ]}
            """);
        var folder = Path.GetDirectoryName(file)!;
        WriteFile(folder, "repo/readme.txt", "hello from the repo\n");
        WriteFile(folder, "repo/src/main.sh", "echo main\n");
        WriteFile(folder, "repo/.git/HEAD", "ref: refs/heads/main\n");
        WriteFile(folder, "repo/node_modules/left-pad/index.js", "module.exports = 1;\n");
        WriteFile(folder, "repo/src/node_modules/deep/index.js", "module.exports = 2;\n");
        WriteFile(folder, "settings.json", """{"strict": true}""");
        var pulled = Path.Combine(folder, "pulled");

        var submit = await server.CliAsync("submit", file);
        var id = Lines(submit.Stdout)[0];
        var watch = await server.CliAsync("status", id, "--watch");
        var pull = await server.CliAsync("pull", id, "--to", pulled);

        Assert.True(submit.ExitCode == 0, submit.Stderr);
        Assert.Matches("^listing-[0-9a-f]{12}$", id);
        Assert.Equal($"{server.Url}/api/batches/{id}", Lines(submit.Stdout)[1]);
        Assert.Contains("input 'repo' as bundle", submit.Stderr, StringComparison.Ordinal);
        Assert.True(watch.ExitCode == 0, watch.Stdout + watch.Stderr);
        Assert.Equal(["3", "2", "1", "0", "0", "0"], Row(watch.Stdout, "TOTAL")[1..7]);
        Assert.True(pull.ExitCode == 0, pull.Stderr);
        Assert.Equal("./repo/readme.txt\n./repo/src/main.sh\n./settings.json\nhello from the repo\n", File.ReadAllText(Path.Combine(pulled, "lists", "0", "stdout.txt")));
        Assert.Equal(File.ReadAllText(Path.Combine(pulled, "lists", "0", "stdout.txt")), File.ReadAllText(Path.Combine(pulled, "lists", "1", "stdout.txt")));
        Assert.Equal("oops\n", File.ReadAllText(Path.Combine(pulled, "fails", "0", "stderr.txt")));
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(pulled, "fails", "0", "result.json")));
        Assert.Equal(3, result.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Contains("of 3 runs", pull.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_SameFileTwice_SameIdAndOneBatch()
    {
        var file = Batch("twice", """{"tasks": [{"id": "quick", "n": 2, "command": "echo once"}], "labels": {"test": "idempotent"}}""");

        var first = await server.CliAsync("submit", file);
        var id = Lines(first.Stdout)[0];
        var createdAt = CreatedAt((await server.CliAsync("status", id, "--json")).Stdout);
        var second = await server.CliAsync("submit", file);
        var watch = await server.CliAsync("status", id, "--watch", "--json");
        var runs = await server.CliAsync("runs", id);
        var list = await server.CliAsync("list");

        Assert.Equal((0, 0), (first.ExitCode, second.ExitCode));
        Assert.Equal(first.Stdout, second.Stdout);
        Assert.Contains($"Batch {id} submitted.", first.Stderr, StringComparison.Ordinal);
        Assert.Matches($@"Batch {id} already exists \((pending|running|completed)\); nothing new was submitted\.", second.Stderr);
        Assert.DoesNotContain("submitted. Follow", second.Stderr, StringComparison.Ordinal);
        Assert.Equal(createdAt, CreatedAt((await server.CliAsync("status", id, "--json")).Stdout));
        Assert.Equal(0, watch.ExitCode);
        Assert.Equal(2, Lines(runs.Stdout).Count);
        Assert.Single(Lines(list.Stdout), l => l.StartsWith($"| {id} ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunsFollow_WhileTheBatchRuns_EveryRunOnceInJudgedOrderAndEndsWithTheBatch()
    {
        var file = Batch("follow", """
            {"maxParallelRuns": 8, "tasks": [
              {"id": "slow", "n": 2, "command": "sleep 3; echo slow"},
              {"id": "fast", "n": 3, "command": "echo fast"}
            ]}
            """);
        var id = Lines((await server.CliAsync("submit", file)).Stdout)[0];

        var follow = await server.CliAsync("runs", id, "--follow");
        var csv = await server.CliAsync("runs", id, "--follow", "--format", "csv", "--page-size", "2");
        var status = await server.CliAsync("status", id, "--json");

        Assert.True(follow.ExitCode == 0, follow.Stderr);
        Assert.Contains("\"completed\"", status.Stdout, StringComparison.Ordinal);
        var rows = Lines(follow.Stdout).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var keys = rows.Select(r => r.GetProperty("task").GetString() + "/" + r.GetProperty("runIndex").GetInt32()).ToList();
        Assert.Equal(5, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(5, keys.Count);
        // Judged order, not listing order: the quick runs were judged while the slow ones still slept.
        Assert.Equal(["fast", "fast", "fast", "slow", "slow"], rows.Select(r => r.GetProperty("task").GetString()));
        Assert.True(csv.ExitCode == 0, csv.Stderr);
        var csvLines = Lines(csv.Stdout);
        Assert.Equal(6, csvLines.Count);
        Assert.StartsWith("batch,task,runIndex", csvLines[0], StringComparison.Ordinal);
        Assert.Equal(keys, csvLines.Skip(1).Select(l => string.Join('/', l.Split(',')[1..3])));
    }

    [Fact]
    public async Task ResultsAndRuns_EveryFormat_ParsesToTheSameCounts()
    {
        var file = Batch("formats", """
            {"tasks": [
              {"id": "ok", "n": 3, "command": "echo fine", "labels": {"kind": "good"}},
              {"id": "bad", "n": 2, "command": "echo FLAKY; exit 1", "flag": {"contains": "flaky"}, "labels": {"kind": "broken"}}
            ]}
            """);
        var id = Lines((await server.CliAsync("submit", file)).Stdout)[0];
        Assert.Equal(0, (await server.CliAsync("status", id, "--watch")).ExitCode);

        var table = await server.CliAsync("results", id);
        var json = await server.CliAsync("results", id, "--format", "json");
        var csv = await server.CliAsync("results", id, "--format", "csv");
        var jsonl = await server.CliAsync("runs", id, "--format", "jsonl", "--page-size", "2");
        var runsCsv = await server.CliAsync("runs", id, "--format", "csv");
        var failed = await server.CliAsync("runs", id, "--task", "bad", "--outcome", "failed");

        Assert.Equal((0, 0, 0, 0, 0, 0), (table.ExitCode, json.ExitCode, csv.ExitCode, jsonl.ExitCode, runsCsv.ExitCode, failed.ExitCode));
        Assert.Equal(["5", "3", "2", "0", "0", "0", "flag=2"], Row(table.Stdout, "TOTAL")[1..8]);
        Assert.Equal("60% (23-88%)", Row(table.Stdout, "TOTAL")[8]);
        using (var aggregate = JsonDocument.Parse(json.Stdout))
        {
            var total = aggregate.RootElement.GetProperty("total");
            Assert.Equal((5, 3, 2), (total.GetProperty("runs").GetInt32(), total.GetProperty("passed").GetInt32(), total.GetProperty("failed").GetInt32()));
            Assert.Equal(2, total.GetProperty("flagged").GetProperty("flag").GetInt32());
        }

        var csvLines = Lines(csv.Stdout);
        Assert.Equal(4, csvLines.Count);
        Assert.StartsWith("total,,5,3,2,0,0,0,", csvLines[3], StringComparison.Ordinal);

        // Five rows across three pages of two.
        var rows = Lines(jsonl.Stdout).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(5, rows.Count);
        Assert.Equal(["bad/0", "bad/1", "ok/0", "ok/1", "ok/2"], rows.Select(r => $"{r.GetProperty("task").GetString()}/{r.GetProperty("runIndex").GetInt32()}").Order(StringComparer.Ordinal));
        Assert.Equal(2, rows.Count(r => r.GetProperty("outcome").GetString() == "failed" && r.GetProperty("flags").GetString() == "flag"));
        Assert.Equal(3, rows.Count(r => r.GetProperty("label.kind").GetString() == "good"));

        var csvRows = Lines(runsCsv.Stdout);
        var header = csvRows[0].Split(',');
        Assert.Equal(6, csvRows.Count);
        Assert.Equal("label.kind", header[^1]);
        Assert.Equal(2, csvRows.Skip(1).Count(r => r.Split(',')[Array.IndexOf(header, "outcome")] == "failed" && r.EndsWith(",broken", StringComparison.Ordinal)));
        Assert.Equal(2, Lines(failed.Stdout).Count);
    }

    [Fact]
    public async Task Rejudge_NewFlagRule_NewVersionPrintedWhileVersionOneStaysAsRun()
    {
        // Arrange: three runs print FLAKY; the rule as run looks for "flaky" (contains ignores case).
        var file = Batch("rejudge", """
            {"tasks": [{"id": "t", "n": 3, "command": "echo FLAKY; echo fine", "flag": {"contains": "flaky"}}]}
            """);
        var id = Lines((await server.CliAsync("submit", file)).Stdout)[0];
        Assert.Equal(0, (await server.CliAsync("status", id, "--watch")).ExitCode);
        var rules = Path.Combine(Path.GetDirectoryName(file)!, "rules.json");
        await File.WriteAllTextAsync(rules, """{"tasks": [{"id": "t", "flag": {"regex": "^FLAKY"}, "pass": {"exitCodes": [1]}}]}""");
        var broken = Path.Combine(Path.GetDirectoryName(file)!, "broken.json");
        await File.WriteAllTextAsync(broken, """{"tasks": [{"id": "nope", "flag": {"contains": "x"}}]}""");

        // Act
        var rejudge = await server.CliAsync("rejudge", id, "--file", rules, "--wait");
        var first = await server.CliAsync("results", id, "--version", "1");
        var json = await server.CliAsync("results", id, "--version", "2", "--format", "json");
        var refused = await server.CliAsync("rejudge", id, "--file", broken);
        var missing = await server.CliAsync("results", id, "--version", "7");

        // Assert: version 2 counts by the new rules (exit 0 is no longer a pass); version 1 as run.
        Assert.Equal(0, rejudge.ExitCode);
        Assert.Contains("results version 2", rejudge.Stderr, StringComparison.Ordinal);
        Assert.Equal(["3", "0", "3", "0", "0", "0", "flag=3"], Row(rejudge.Stdout, "TOTAL")[1..8]);
        Assert.Contains("Rejudged 3 run(s), 3 changed", rejudge.Stdout, StringComparison.Ordinal);
        Assert.Equal(["3", "3", "0", "0", "0", "0", "flag=3"], Row(first.Stdout, "TOTAL")[1..8]);
        using (var aggregate = JsonDocument.Parse(json.Stdout))
        {
            Assert.Equal(2, aggregate.RootElement.GetProperty("version").GetInt32());
            Assert.Equal("^FLAKY", aggregate.RootElement.GetProperty("rejudge").GetProperty("rules").GetProperty("tasks")[0].GetProperty("flag").GetProperty("regex").GetString());
        }

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("tasks[0].id", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(3, missing.ExitCode);
    }

    [Fact]
    public async Task Rerun_TimedOutRuns_RunAgainInTheSameBatch_NewVersionPrintedWhileVersionOneStaysAsRun()
    {
        // Arrange: until the file "heal" exists, the command outlives its 1-second limit: every run times out.
        var folder = Directory.CreateTempSubdirectory("rerun-cli-").FullName;
        var heal = Path.Combine(folder, "heal");
        var file = Batch("rerun", $$"""
            {"tasks": [{"id": "t", "n": 3, "command": "[ -e '{{heal}}' ] || sleep 20; echo done", "timeoutSeconds": 1, "maxAttempts": 1}]}
            """);
        var id = Lines((await server.CliAsync("submit", file)).Stdout)[0];
        Assert.Equal(0, (await server.CliAsync("status", id, "--watch")).ExitCode);
        await File.WriteAllTextAsync(heal, "");

        // Act
        var rerun = await server.CliAsync("rerun", id, "--wait");
        var first = await server.CliAsync("results", id, "--version", "1");
        var again = await server.CliAsync("rerun", id, "--outcome", "errored,timedOut");
        var bad = await server.CliAsync("rerun", id, "--outcome", "passed");

        // Assert: the three runs passed on their second attempt, as version 2; version 1 as first run.
        Assert.Equal(0, rerun.ExitCode);
        Assert.Contains("rerunning 3 run(s) as results version 2", rerun.Stderr, StringComparison.Ordinal);
        Assert.Equal(["3", "3", "0", "0", "0", "0"], Row(rerun.Stdout, "TOTAL")[1..7]);
        Assert.Contains("Rerun of 3 errored/timedOut run(s)", rerun.Stdout, StringComparison.Ordinal);
        Assert.Equal(["3", "0", "0", "0", "3", "0"], Row(first.Stdout, "TOTAL")[1..7]);
        Assert.Equal(4, again.ExitCode);
        Assert.Contains("no errored or timedOut runs to rerun", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("would bias the rates", bad.Stderr, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task CancelThenPurge_LongBatch_EndsCancelledThenNotFound()
    {
        var file = Batch("long", """{"tasks": [{"id": "sleeps", "n": 2, "command": "sleep 30", "timeoutSeconds": 120}]}""");
        var id = Lines((await server.CliAsync("submit", file)).Stdout)[0];

        var early = await server.CliAsync("purge", id);
        var cancel = await server.CliAsync("cancel", id);
        var watch = await server.CliAsync("status", id, "--watch");
        var again = await server.CliAsync("cancel", id);
        var purge = await server.CliAsync("purge", id);
        var gone = await WaitForExitCodeAsync(3, "status", id);
        var results = await server.CliAsync("results", id);

        Assert.Equal(4, early.ExitCode);
        Assert.Contains("has not finished; cancel it first", early.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, cancel.ExitCode);
        Assert.Equal(1, watch.ExitCode);
        Assert.Equal(["2", "0", "0", "0", "0", "2"], Row(watch.Stdout, "sleeps")[1..7]);
        Assert.Contains($"Batch {id} did not complete: cancelled", watch.Stderr, StringComparison.Ordinal);
        Assert.Equal(4, again.ExitCode);
        Assert.Equal(0, purge.ExitCode);
        Assert.Contains($"No batch '{id}'", gone.Stderr, StringComparison.Ordinal);
        Assert.Equal(3, results.ExitCode);
    }

    [Fact]
    public async Task List_StatusFilter_ShowsOnlyMatchingBatches()
    {
        var id = Lines((await server.CliAsync("submit", Batch("listed", """{"tasks": [{"id": "t", "n": 1, "command": "true"}]}"""))).Stdout)[0];
        Assert.Equal(0, (await server.CliAsync("status", id, "--watch")).ExitCode);

        var completed = await server.CliAsync("list", "--status", "completed");
        var running = await server.CliAsync("list", "--status", "running,pending");
        var bogus = await server.CliAsync("list", "--status", "bogus");

        Assert.Equal((0, 0), (completed.ExitCode, running.ExitCode));
        Assert.Equal(["completed", "1"], Row(completed.Stdout, id)[1..3]);
        Assert.DoesNotContain(id, running.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, bogus.ExitCode);
        Assert.Contains("HTTP 400", bogus.Stderr, StringComparison.Ordinal);
        Assert.Contains("  status: 'bogus' is not one of", bogus.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCommand_WrongOrMissingKey_UnauthorizedWithExitFiveAndNothingSubmitted()
    {
        var file = Batch("refused", """{"tasks": [{"id": "t", "n": 1, "command": "true"}], "defaults": {"inputs": {"data": {"path": "data"}}}}""");
        WriteFile(Path.GetDirectoryName(file)!, "data/a.txt", "a");

        var wrong = await server.CliWithKeyAsync("not-the-key", "submit", file);
        var missing = await server.CliWithKeyAsync("", "list");
        var flag = await server.CliWithKeyAsync("", "status", "anything", "--key", "also-wrong");
        var check = await server.CliAsync("status", "refused-" + BatchIdSuffix(file));

        Assert.Equal((5, 5, 5), (wrong.ExitCode, missing.ExitCode, flag.ExitCode));
        Assert.Contains("HTTP 401: Unauthorized.", wrong.Stderr, StringComparison.Ordinal);
        Assert.Contains("x-functions-key", wrong.Stderr, StringComparison.Ordinal);
        Assert.Contains("--key or the ORCHESTRATION_KEY", missing.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-key", wrong.Stderr + wrong.Stdout, StringComparison.Ordinal);
        Assert.Equal(3, check.ExitCode);
    }

    [Fact]
    public async Task Submit_InvalidBatch_EveryProblemPrintedWithItsPath()
    {
        var file = Batch("invalid", """{"tasks": [{"id": "bad id!", "n": 0, "command": "true"}]}""");

        var (code, stdout, stderr) = await server.CliAsync("submit", file);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("HTTP 400: The request is invalid.", stderr, StringComparison.Ordinal);
        Assert.Contains("  tasks[0].n: Must be between 1 and", stderr, StringComparison.Ordinal);
        Assert.Contains("  tasks[0].id: A task id is", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_PathOutsideTheFileFolder_RefusedBeforeAnythingIsSent()
    {
        var file = Batch("escape", """{"tasks": [{"id": "t", "n": 1, "command": "true", "inputs": {"x": {"path": "../.."}}}]}""");

        var (code, stdout, stderr) = await server.CliAsync("submit", file);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("is outside the batch file's folder", stderr, StringComparison.Ordinal);
        Assert.Contains("Nothing was submitted.", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitDryRun_PathInput_PlanPrintedBundleNotUploadedAndNoBatchAppears()
    {
        var file = Batch("planned", """{"tasks": [{"id": "reads", "n": 4, "command": "cat input/repo/a.txt", "timeoutSeconds": 60, "inputs": {"repo": {"path": "./repo"}}}]}""");
        var folder = Path.GetDirectoryName(file)!;
        WriteFile(folder, "repo/a.txt", "planned\n");
        var id = "planned-" + BatchIdSuffix(file);

        var table = await server.CliAsync("submit", file, "--dry-run");
        var before = await server.CliAsync("submit", file, "--dry-run", "--json");
        var status = await server.CliAsync("status", id);
        using var planBefore = JsonDocument.Parse(before.Stdout);
        var sha = planBefore.RootElement.GetProperty("inputSets")[0].GetProperty("objects")[0].GetProperty("reference").GetString();
        var uploaded = Directory.EnumerateFiles(Path.Combine(server.Temp, "data"), sha + ".tar.gz", SearchOption.AllDirectories).ToList();
        var submit = await server.CliAsync("submit", file);
        var after = await server.CliAsync("submit", file, "--dry-run", "--json");

        Assert.True(table.ExitCode == 0, table.Stderr);
        Assert.Contains("Dry run: nothing was started or stored", table.Stdout, StringComparison.Ordinal);
        Assert.Equal(["command", "4", "3", "60"], Row(table.Stdout, "reads")[1..5]);
        var inputRow = Row(table.Stdout, planBefore.RootElement.GetProperty("inputSets")[0].GetProperty("key").GetString()!);
        Assert.Equal(["reads", "repo", "bundle", sha![..12]], inputRow[1..5]);
        Assert.True(long.Parse(inputRow[5], System.Globalization.CultureInfo.InvariantCulture) > 0, inputRow[5]);
        Assert.Equal("would upload", inputRow[6]);
        Assert.Contains("not uploaded (dry run)", table.Stderr, StringComparison.Ordinal);
        Assert.Equal(3, status.ExitCode);
        Assert.Empty(uploaded);
        Assert.Equal(0, submit.ExitCode);
        Assert.Single(Directory.EnumerateFiles(Path.Combine(server.Temp, "data"), sha + ".tar.gz", SearchOption.AllDirectories));
        using var planAfter = JsonDocument.Parse(after.Stdout);
        Assert.Equal(id, planBefore.RootElement.GetProperty("batchId").GetString());
        Assert.False(planBefore.RootElement.GetProperty("exists").GetBoolean());
        Assert.True(planAfter.RootElement.GetProperty("exists").GetBoolean());
        var bundleBefore = planBefore.RootElement.GetProperty("inputSets")[0].GetProperty("objects")[0];
        var bundleAfter = planAfter.RootElement.GetProperty("inputSets")[0].GetProperty("objects")[0];
        Assert.Equal(("repo", "bundle", false), (bundleBefore.GetProperty("input").GetString(), bundleBefore.GetProperty("source").GetString(), bundleBefore.GetProperty("uploaded").GetBoolean()));
        Assert.True(bundleAfter.GetProperty("uploaded").GetBoolean());
    }

    [Fact]
    public async Task SubmitDryRun_InvalidBatch_SameProblemsAsSubmit()
    {
        var file = Batch("invalid-plan", """{"tasks": [{"id": "bad id!", "n": 0, "command": "true"}]}""");

        var plan = await server.CliAsync("submit", file, "--dry-run");
        var submit = await server.CliAsync("submit", file);

        Assert.Equal(2, plan.ExitCode);
        Assert.Equal("", plan.Stdout);
        Assert.Equal(submit.Stderr, plan.Stderr);
    }

    [Fact]
    public async Task Help_RemoteCommand_ListsExitCodes()
    {
        var submit = await server.CliAsync("submit", "--help");
        var run = await server.CliAsync("run", "--help");

        Assert.Equal(0, submit.ExitCode);
        Assert.Contains("--key <key>", submit.Stdout, StringComparison.Ordinal);
        Assert.Contains("5  unauthorized: missing or wrong key", submit.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(RemoteServerFixture.Key, submit.Stdout, StringComparison.Ordinal);
        Assert.Contains("130  detached on Ctrl-C", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("5  unauthorized", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_TwoFinishedBatches_TableJsonAndExitCodes()
    {
        var before = Batch("before", """
            {"tasks": [
              {"id": "fix", "n": 6, "command": "exit 1"},
              {"id": "same", "n": 2, "command": "echo ok"},
              {"id": "old", "n": 1, "command": "echo ok"}
            ]}
            """);
        var after = Batch("after", """
            {"tasks": [
              {"id": "fix-v2", "n": 6, "command": "echo ok"},
              {"id": "same", "n": 2, "command": "echo ok"}
            ]}
            """);
        var a = Lines((await server.CliAsync("submit", before)).Stdout)[0];
        var b = Lines((await server.CliAsync("submit", after)).Stdout)[0];
        Assert.Equal(0, (await server.CliAsync("status", a, "--watch")).ExitCode);
        Assert.Equal(0, (await server.CliAsync("status", b, "--watch")).ExitCode);

        var table = await server.CliAsync("compare", a, b, "--map", "fix:fix-v2");
        var json = await server.CliAsync("compare", a, b, "--map", "fix:fix-v2", "--mde", "0.2", "--format", "json");
        var unknown = await server.CliAsync("compare", a, "nope");
        var badMap = await server.CliAsync("compare", a, b, "--map", "fix:ghost");

        Assert.True(table.ExitCode == 0, table.Stderr);
        // 0/6 against 6/6: Fisher p = 2 / C(12, 6) = 0.0022, doubled by Holm over the two matched tasks.
        Assert.Equal(["0/6 0% (0-39%)", "6/6 100% (61-100%)", "+100 pts (+45 to +100)", "0.0022", "0.0043", "B higher"], Row(table.Stdout, "fix -> fix-v2")[1..7]);
        Assert.Equal("no detectable difference at n=2/2", Row(table.Stdout, "same")[6]);
        Assert.Equal(["2/8 25% (7-59%)", "8/8 100% (68-100%)"], Row(table.Stdout, "ALL MATCHED")[1..3]);
        Assert.Contains($"Only in A ({a}): old", table.Stdout, StringComparison.Ordinal);
        Assert.True(json.ExitCode == 0, json.Stderr);
        using (var document = JsonDocument.Parse(json.Stdout))
        {
            Assert.Equal(0.2, document.RootElement.GetProperty("detectableDifference").GetDouble());
            Assert.Equal("B higher", document.RootElement.GetProperty("tasks")[0].GetProperty("pass").GetProperty("verdict").GetString());
        }

        Assert.Equal(3, unknown.ExitCode);
        Assert.Contains("No batch 'nope'.", unknown.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, badMap.ExitCode);
        Assert.Contains($"Task 'ghost' is not in batch '{b}'.", badMap.Stderr, StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> WaitForExitCodeAsync(int expected, params string[] args)
    {
        // The purge runs in the background; the id answers 404 once it has finished.
        for (var i = 0; ; i++)
        {
            var result = await server.CliAsync(args);
            if (result.ExitCode == expected || i == 50)
            {
                return result;
            }

            await Task.Delay(200);
        }
    }

    /// <summary>A batch file in its own folder (named after the test, so derived ids differ).</summary>
    private string Batch(string name, string json)
    {
        var folder = Directory.CreateDirectory(Path.Combine(server.Temp, name + "-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var path = Path.Combine(folder, name + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    private static void WriteFile(string folder, string relative, string content)
    {
        var path = Path.Combine(folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private static string BatchIdSuffix(string file) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)))[..12];

    private static List<string> Lines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))];

    private static string CreatedAt(string statusJson)
    {
        using var document = JsonDocument.Parse(statusJson);
        return document.RootElement.GetProperty("createdAt").GetString()!;
    }

    private static string[] Row(string table, string first)
    {
        var line = table.Split('\n').FirstOrDefault(l => l.StartsWith($"| {first} ", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"No row for {first} in:\n{table}");
        return [.. line.Trim().Trim('|').Split('|').Select(c => c.Trim())];
    }
}
