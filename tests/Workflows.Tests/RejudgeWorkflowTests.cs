using System.Text;
using System.Text.Json;
using Orchestration.Domain;
using Orchestration.Domain.Aggregation;
using Orchestration.Tests.Waiting;
using Orchestration.Workflows.Service;
using Orchestration.Workflows.Tests.Engines;

using static Orchestration.Workflows.Tests.FinishedBatches;

namespace Orchestration.Workflows.Tests;

/// <summary>Rejudge as a durable workflow (<see cref="RejudgeOrchestrator"/>): new rules over a finished batch's
/// stored results give exactly the counts a fresh batch with those rules gives, deterministically, as a new
/// results version; nothing runs again; what the captures cannot decide is listed, never guessed.</summary>
public sealed class RejudgeWorkflowTests
{
    // Run i of every task answers one of three texts and exits 0, 1 or 2 (the scripted runner: the same for both batches).
    private static readonly string[] Responses = ["token: abc", "the Token was rotated", "nothing to see"];

    private const string Rules = """
        {"tasks": [
          {"id": "scan", "pass": {"exitCodes": [0, 1]}, "flags": {"leak": {"regex": "^token:"}}},
          {"id": "verdict", "flags": {"judged": {"verdictFile": "verdict.json"}}}
        ]}
        """;

    [Theory]
    [Engines]
    public async Task Rejudge_ContainsRuleBecomesARegex_CountsEqualAFreshBatchWithThatRule_AndTwiceGivesTheSameAggregate(EngineKind engine)
    {
        // Arrange: the batch as first run (contains "token", pass exit 0 only), and the batch a user would run with
        // the new rules; runs of the scripted runner answer by run index, so both batches' runs are the same.
        await using var h = await WorkflowHarness.StartAsync(engine, runner: call => call.FinishAsync(call.RunIndex % 3, Responses[call.RunIndex % 3]));
        await RunToEndAsync(h, "first", Batch("first", """{"leak": {"contains": "token"}}""", "[0]"));
        await RunToEndAsync(h, "fresh", Batch("fresh", """{"leak": {"regex": "^token:"}}""", "[0, 1]"));
        var before = await ResultsAsync(h, "first", 1);
        var executions = h.CloudRun.Executions.Count;

        // Act
        var one = await h.Service.RejudgeAsync("first", Encoding.UTF8.GetBytes(Rules));
        await h.WaitAsync(RejudgeOrchestrator.InstanceId("first", one.Version));
        var two = await h.Service.RejudgeAsync("first", Encoding.UTF8.GetBytes(Rules));
        await h.WaitAsync(RejudgeOrchestrator.InstanceId("first", two.Version));

        // Assert: versions 2 and 3; nothing started; version 1 is the aggregate the batch ended with.
        Assert.Equal((VersionRequestKind.Accepted, 2), (one.Kind, one.Version));
        Assert.Equal((VersionRequestKind.Accepted, 3), (two.Kind, two.Version));
        Assert.Equal(executions, h.CloudRun.Executions.Count);
        Assert.Equal(Counts(before, "scan"), Counts(await ResultsAsync(h, "first", 1), "scan"));

        var v2 = await ResultsAsync(h, "first", 2);
        var v3 = await ResultsAsync(h, "first", 3);
        var fresh = await ResultsAsync(h, "fresh", 1);
        // The rejudged task counts exactly as the fresh batch: 6 runs, exit 0/1/2 → 4 pass with [0, 1]; "^token:"
        // flags runs 0 and 3 only, where contains "token" flagged 0, 1, 3, 4.
        Assert.Equal(Counts(fresh, "scan"), Counts(v2, "scan"));
        Assert.Equal(4, v2.Tasks.Single(t => t.Id == "scan").Passed);
        Assert.Equal(2, v2.Tasks.Single(t => t.Id == "scan").Flagged["leak"]);
        Assert.Equal(4, before.Tasks.Single(t => t.Id == "scan").Flagged["leak"]);
        Assert.Equal(2, before.Tasks.Single(t => t.Id == "scan").Passed);
        Assert.Equal(fresh.Tasks.Single(t => t.Id == "scan").PassRate, v2.Tasks.Single(t => t.Id == "scan").PassRate);
        Assert.Equal(fresh.Tasks.Single(t => t.Id == "scan").FlagRates["leak"], v2.Tasks.Single(t => t.Id == "scan").FlagRates["leak"]);

        // Deterministic: the second rejudge's document equals the first but for its version number.
        Assert.Equal(Without(v2, "version"), Without(v3, "version"));
        Assert.Equal(2, v2.Version);
        Assert.Equal(3, (await ResultsAsync(h, "first", null)).Version);

        // The verdict file was never copied (the batch's rules did not name it): every run of that task is listed
        // as not rejudgeable with the reason, and counted in no outcome.
        var verdict = v2.Tasks.Single(t => t.Id == "verdict");
        Assert.Equal(3, verdict.NotRejudgeable);
        Assert.Equal(0, verdict.Passed + verdict.Failed + verdict.Errored + verdict.TimedOut + verdict.Cancelled);
        Assert.Equal([0, 1, 2], v2.Rejudge!.NotRejudgeable.Where(u => u.Task == "verdict").Select(u => u.RunIndex));
        Assert.All(v2.Rejudge.NotRejudgeable, u => Assert.Contains("'verdict.json', which the runner did not copy", u.Reason, StringComparison.Ordinal));
        Assert.Equal(6, v2.Rejudge.Rejudged);
        // Runs 1 and 4 (exit 1, "the Token was rotated") changed: failed → passed, and no longer flagged.
        Assert.Equal(2, v2.Rejudge.Changed);
        Assert.Equal("^token:", v2.Rejudge.Rules.GetProperty("tasks")[0].GetProperty("flags").GetProperty("leak").GetProperty("regex").GetString());
    }

    [Theory]
    [Engines]
    public async Task Rejudge_RunsThatLeftNoResult_KeepTheirOutcome(EngineKind engine)
    {
        // Arrange: run 1 vanishes without a result (errored after its one attempt).
        await using var h = await WorkflowHarness.StartAsync(engine, runner: call =>
        {
            if (call.RunIndex == 1)
            {
                call.Vanish();
                return Task.CompletedTask;
            }

            return call.FinishAsync(0, "token: x");
        });
        await RunToEndAsync(h, "gaps", """{"id": "gaps", "tasks": [{"id": "scan", "n": 3, "command": "x", "maxAttempts": 1, "flags": {"leak": {"contains": "token"}}}]}""");

        // Act
        var rejudge = await h.Service.RejudgeAsync("gaps", Encoding.UTF8.GetBytes("""{"tasks": [{"id": "scan", "flags": {"leak": {"contains": "nothing"}}}]}"""));
        await h.WaitAsync(RejudgeOrchestrator.InstanceId("gaps", rejudge.Version));

        // Assert
        var v2 = await ResultsAsync(h, "gaps", 2);
        var scan = v2.Tasks.Single();
        Assert.Equal((2, 1, 0), (scan.Passed, scan.Errored, scan.Flagged["leak"]));
        Assert.Equal((2, 2, 1), (v2.Rejudge!.Rejudged, v2.Rejudge.Changed, v2.Rejudge.Kept));
        Assert.Null(scan.NotRejudgeable);
    }

    [Fact]
    public async Task Rejudge_RefusedWhileRunningForUnknownBatchesAndBadRules_NothingStored()
    {
        // Arrange: a batch held running.
        var release = new TaskCompletionSource();
        await using var h = await WorkflowHarness.StartAsync(EngineKind.Embedded, runner: async call =>
        {
            await call.WaitForAsync(release.Task);
            await call.PassAsync();
        });
        Assert.Equal(SubmitKind.Accepted, (await h.Service.SubmitAsync(Encoding.UTF8.GetBytes(Batch("held", """{"leak": {"contains": "token"}}""", "[0]")))).Kind);

        // Act
        var running = await h.Service.RejudgeAsync("held", Encoding.UTF8.GetBytes(Rules));
        var unknown = await h.Service.RejudgeAsync("nope", Encoding.UTF8.GetBytes(Rules));
        release.SetResult();
        await h.WaitAsync("held");
        await Eventually.HoldsAsync(async () => BatchStatusRules.IsFinished((await h.Batches.GetAsync("held"))!.Status), "held is finished in the store");
        var bad = await h.Service.RejudgeAsync("held", Encoding.UTF8.GetBytes("""
            {"tasks": [{"id": "scan", "flags": {"leak": {"regex": "(a)\\1"}}, "command": "rm -rf /"}, {"id": "ghost", "pass": {"exitCodes": [0]}}], "n": 3}
            """));

        // Assert
        Assert.Equal(VersionRequestKind.Conflict, running.Kind);
        Assert.Contains("needs a finished batch", running.Reason, StringComparison.Ordinal);
        Assert.Equal(VersionRequestKind.NotFound, unknown.Kind);
        Assert.Equal(VersionRequestKind.Invalid, bad.Kind);
        Assert.Equal(["n", "tasks[0].command"], bad.Problems.Select(p => p.Path).Order(StringComparer.Ordinal));
        var nonce = (await h.Batches.GetAsync("held"))!.Nonce;
        Assert.Empty((await h.Objects.ListAsync(Domain.Specs.RunnerContract.SubmissionPrefix("held", nonce) + "_versions/")).Items);

        var rules = await h.Service.RejudgeAsync("held", Encoding.UTF8.GetBytes("""
            {"tasks": [{"id": "scan", "flags": {"leak": {"regex": "(a)\\1"}}}, {"id": "ghost", "pass": {"exitCodes": [0]}}]}
            """));
        Assert.Equal(VersionRequestKind.Invalid, rules.Kind);
        Assert.Equal(["tasks[0].flags.leak.regex", "tasks[1].id"], rules.Problems.Select(p => p.Path));
        Assert.Contains("Not supported by the linear-time regex engine", rules.Problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("its tasks are scan, verdict", rules.Problems[1].Message, StringComparison.Ordinal);
    }

    private static string Batch(string id, string flags, string pass) => $$"""
        {"id": "{{id}}", "tasks": [
          {"id": "scan", "n": 6, "command": "x", "maxAttempts": 1, "pass": {"exitCodes": {{pass}}}, "flags": {{flags}}},
          {"id": "verdict", "n": 3, "command": "x", "maxAttempts": 1}
        ]}
        """;

    private static string Without(BatchAggregate aggregate, string member)
    {
        var node = JsonSerializer.SerializeToNode(aggregate, BatchJson.Options)!.AsObject();
        node.Remove(member);
        return node.ToJsonString();
    }
}
