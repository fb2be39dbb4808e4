using System.Collections.Concurrent;
using System.Text;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Tests.Google;
using Orchestration.Fakes;

namespace Orchestration.Activities.Tests.CloudRun;

/// <summary>
/// Many attempts started through the adapters while both fakes misbehave: lost <c>:run</c> answers are
/// started again (as the orchestrator does), duplicates appear, GCS throttles; still every attempt's
/// work happens exactly once, by the execution its claim names.
/// </summary>
public sealed class StartsUnderFaultsTests
{
    [Fact]
    public async Task ManyStarts_AmbiguousAndDuplicateExecutions_EachAttemptWorkedOnceByItsClaimant()
    {
        await using var host = await GoogleTestHost.StartAsync();
        var spec = new CloudRunJobSpec(
            "orch-soak00000000", "image@sha256:1", "1", "2Gi", "cmd@p.iam.gserviceaccount.com",
            new Dictionary<string, string>(), new Dictionary<string, CloudRunSecretRef>(), TimeSpan.FromMinutes(10));
        await host.Jobs.EnsureJobAsync(spec);
        host.Run.DuplicateRunFraction = 0.3;
        host.Run.AmbiguousRunFraction = 0.15;
        host.Run.Faults.Seed = 99;
        host.Run.Faults.UnavailableFraction = 0.1;
        host.Run.Faults.AppliesTo = e => e != "jobs.run";
        host.Gcs.Faults.ThrottleFraction = 0.1;
        host.Gcs.Faults.UnavailableFraction = 0.1;
        var runners = new ConcurrentBag<Task<(string Execution, bool Worked)>>();
        host.Run.ExecutionCreated += e => runners.Add(RunnerAsync(host, e));
        const int attempts = 20;

        var started = new string[attempts];
        var ambiguousStarts = 0;
        for (var a = 0; a < attempts; a++)
        {
            var env = new Dictionary<string, string> { ["RUN_PREFIX"] = $"runs/b/n/t{a}/0/a1/" };
            while (true)
            {
                try
                {
                    var result = await host.Jobs.RunExecutionAsync(spec.JobId, env, TimeSpan.FromMinutes(10));
                    started[a] = result.ExecutionName!;
                    break;
                }
                catch (CloudServiceException ex) when (ex.IsTransient)
                {
                    ambiguousStarts++;
                }
            }
        }

        var outcomes = await Task.WhenAll(runners);
        var executions = host.Run.Executions;

        Assert.True(executions.Count > attempts, "faults should have produced extra executions");
        Assert.True(ambiguousStarts > 0);
        Assert.Equal(attempts, outcomes.Count(o => o.Worked));
        for (var a = 0; a < attempts; a++)
        {
            var claim = Encoding.UTF8.GetString(host.Gcs.Get($"runs/b/n/t{a}/0/a1/claim")!.Data);
            var result = Encoding.UTF8.GetString(host.Gcs.Get($"runs/b/n/t{a}/0/a1/result.json")!.Data);
            Assert.Equal(claim, result);
            Assert.Single(outcomes, o => o.Worked && o.Execution == claim);
        }

        Assert.All(executions, e => Assert.Equal(FakeExecutionState.Succeeded, e.State));
        Assert.Equal(attempts + ambiguousStarts, host.Run.Calls("jobs.run"));
    }

    private static async Task<(string Execution, bool Worked)> RunnerAsync(GoogleTestHost host, FakeExecution execution)
    {
        await Task.Yield();
        var prefix = execution.Environment["RUN_PREFIX"];
        var claim = await host.Store.PutIfAbsentAsync(prefix + "claim", new MemoryStream(Encoding.UTF8.GetBytes(execution.Id)));
        var mine = claim.Created;
        if (!mine)
        {
            // 412: either another execution holds the attempt, or our own retried upload landed first.
            await using var existing = await host.Store.GetAsync(prefix + "claim");
            mine = Encoding.UTF8.GetString(await existing!.ReadAllBytesAsync()) == execution.Id;
        }

        if (mine)
        {
            await host.Store.PutAsync(prefix + "result.json", new MemoryStream(Encoding.UTF8.GetBytes(execution.Id)), "application/json");
        }

        host.Run.Complete(execution.Name);
        return (execution.Id, mine);
    }
}
