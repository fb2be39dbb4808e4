using System.Text;
using System.Text.Json;
using Orchestration.Activities.Stores;
using Orchestration.Adapters.Stores;
using Orchestration.Domain;
using Orchestration.Domain.Judging;

namespace Orchestration.Activities.Tests.Stores;

/// <summary>The stored run row's JSON: the bytes rows always had, so rows stored before read back and rows stored now
/// read in hosts of the previous version.</summary>
public sealed class RunKeysTests
{
    [Fact]
    public void Serialize_Row_SameBytesAsTheReflectionSerializer()
    {
        var row = new RunRow
        {
            BatchId = "b1",
            TaskOrdinal = 2,
            TaskId = "t-<2>",
            RunIndex = 17,
            Outcome = RunOutcome.TimedOut,
            Reason = "flag \"secret\" fired: café",
            Flags = ["leak", "secret"],
            ExitCode = 0,
            DurationSeconds = 12.5,
            VcpuSeconds = 25.125m,
            GibSeconds = 50.25m,
            ClaudeCostUsd = 0.0123m,
            CostUsd = 0.02m,
            Attempts = 2,
            Execution = "job-x-abc",
            ResponseTruncated = true,
            CompletedAt = new DateTimeOffset(2026, 12, 4, 10, 30, 0, 123, TimeSpan.Zero),
            AttemptLog = [new AttemptRow(1, "job-x-abb", "failed", "exit 1", 1.5m, 3m, null), new AttemptRow(2, "job-x-abc", "completed", null, 23.625m, 47.25m, 0.0123m)],
            Retrying = true,
            JudgedAgain = true,
        };

        var bytes = RunKeys.Serialize(row);

        // BatchJson.Options reads RunRow by reflection (its fallback where reflection is enabled): the form before.
        Assert.Equal(JsonSerializer.Serialize(row, BatchJson.Options), Encoding.UTF8.GetString(bytes));
        Assert.Equivalent(row with { JudgedAgain = false }, RunKeys.Deserialize(bytes));
    }
}
