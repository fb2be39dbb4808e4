using System.Text;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Planning;
using Orchestration.Domain.Specs;
using Orchestration.Domain.Validation;

namespace Orchestration.Domain.Tests.Planning;

public sealed class CostEstimatorTests
{
    [Fact]
    public void ForTask_MebibyteMemory_EveryAttemptBilledForTheWholeTaskTimeout()
    {
        // 1 vCPU, 512Mi = 0.5 GiB; 10 runs x 2 attempts x (60 + 600 + 30) s = 13,800 s
        var task = Task("""{"id": "t", "command": "x", "n": 10, "maxAttempts": 2, "timeoutSeconds": 60, "profile": {"cpu": "1", "memory": "512Mi"}}""");

        var estimate = CostEstimator.ForTask(task, AggregationOptions.Default, AttemptTimeLimits.Default);

        Assert.Equal(690, estimate.AttemptSecondsMax);
        Assert.Equal(20, estimate.AttemptsMax);
        Assert.Equal(13800m, estimate.VcpuSecondsMax);
        Assert.Equal(6900m, estimate.GibSecondsMax);
        Assert.Equal(0.2622m, estimate.CloudRunUsdMax);
        Assert.Null(estimate.ClaudeUsdMax);
        Assert.Equal(0.2622m, estimate.UpperUsd);
        Assert.True(estimate.Bounded);
        Assert.Null(estimate.LikelyUsd);
    }

    [Fact]
    public void ForTask_OtherSetupAllowanceAndPrices_UsedAsGiven()
    {
        var task = Task("""{"id": "t", "command": "x", "n": 1, "maxAttempts": 1, "timeoutSeconds": 100, "profile": {"cpu": "1", "memory": "1Gi"}}""");
        var prices = new AggregationOptions { VcpuSecondUsd = 0.001m, GibSecondUsd = 0.0001m };

        var estimate = CostEstimator.ForTask(task, prices, new AttemptTimeLimits(SetupSeconds: 0, UploadMarginSeconds: 0));

        Assert.Equal(100, estimate.AttemptSecondsMax);
        Assert.Equal(0.11m, estimate.CloudRunUsdMax);
    }

    [Fact]
    public void Sum_ClaudeTaskWithoutBudget_TotalUnboundedAndClaudeBoundOfTheOthers()
    {
        var capped = CostEstimator.ForTask(Task("""{"id": "c", "prompt": "p", "n": 3, "maxAttempts": 2, "maxBudgetUsd": 1.5}"""), AggregationOptions.Default, AttemptTimeLimits.Default);
        var open = CostEstimator.ForTask(Task("""{"id": "o", "prompt": "p"}"""), AggregationOptions.Default, AttemptTimeLimits.Default);
        var command = CostEstimator.ForTask(Task("""{"id": "k", "command": "x"}"""), AggregationOptions.Default, AttemptTimeLimits.Default);

        var total = CostEstimator.Sum([capped, open, command]);

        Assert.Equal(9m, capped.ClaudeUsdMax);
        Assert.False(open.Bounded);
        Assert.Null(open.ClaudeUsdMax);
        Assert.Equal(9m, total.ClaudeUsdMax);
        Assert.False(total.Bounded);
        Assert.Equal(capped.UpperUsd + open.UpperUsd + command.UpperUsd, total.UpperUsd);
        Assert.Equal(capped.AttemptsMax + open.AttemptsMax + command.AttemptsMax, total.AttemptsMax);
        Assert.Null(total.LikelyUsd);
    }

    private static BatchTask Task(string json) =>
        BatchIntake.Read(Encoding.UTF8.GetBytes($$"""{"tasks": [{{json}}]}"""), new BatchLimits(), new BatchDefaults(), () => "x").Batch!.Tasks[0];
}
