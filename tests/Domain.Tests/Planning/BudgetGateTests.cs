using System.Text;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Planning;
using Orchestration.Domain.Specs;
using Orchestration.Domain.Validation;

namespace Orchestration.Domain.Tests.Planning;

public sealed class BudgetGateTests
{
    private static RunRef R(int index) => new(0, index);

    [Fact]
    public void TryReserve_WithinCap_StartsUntilSpentPlusReservedPlusNextWouldPassIt()
    {
        // Arrange: a $5.00 cap, $1.20 per run at most.
        var gate = new BudgetGate(5.00m);

        // Act: four runs fit (4.80); the fifth would make 6.00.
        var started = Enumerable.Range(0, 6).TakeWhile(i => gate.TryReserve(R(i), 1.20m)).Count();

        // Assert
        Assert.Equal(4, started);
        Assert.Equal(4.80m, gate.ReservedUsd);
        Assert.Equal("Stopped by the cost cap: the next run could cost up to $1.20 and $4.80 of the $5.00 cap is spent or reserved.", gate.StopReason);
    }

    [Fact]
    public void TryReserve_ExactlyAtTheCap_Starts()
    {
        var gate = new BudgetGate(2m);

        Assert.True(gate.TryReserve(R(0), 1m));
        Assert.True(gate.TryReserve(R(1), 1m));
        Assert.Null(gate.StopReason);
    }

    [Fact]
    public void Settle_ActualCostReplacesTheReservation_SoCheaperRunsLetMoreStart()
    {
        // Arrange: two in flight at $1.00 each under a $2.50 cap; a third does not fit yet.
        var gate = new BudgetGate(2.50m);
        gate.TryReserve(R(0), 1m);
        gate.TryReserve(R(1), 1m);

        // Act: run 0 cost $0.25, so 0.25 + 1.00 + 1.00 fits.
        gate.Settle(R(0), 0.25m);

        // Assert
        Assert.Equal((0.25m, 1m), (gate.SpentUsd, gate.ReservedUsd));
        Assert.True(gate.TryReserve(R(2), 1m));
        Assert.Equal(2.25m, gate.SpentUsd + gate.ReservedUsd);
    }

    [Fact]
    public void TryReserve_AfterARefusal_RefusesEvenARunThatWouldFit()
    {
        // Arrange: the $3 run does not fit in $2; a $0.50 run would.
        var gate = new BudgetGate(2m);
        gate.TryReserve(R(0), 1m);
        Assert.False(gate.TryReserve(R(1), 3m));

        // Act
        var cheap = gate.TryReserve(R(2), 0.5m);

        // Assert: the first refusal stops the batch for good, and its reason stays the first one.
        Assert.False(cheap);
        Assert.Equal("Stopped by the cost cap: the next run could cost up to $3.00 and $1.00 of the $2.00 cap is spent or reserved.", gate.StopReason);
    }

    [Fact]
    public void Gate_StartsFromEarlierChunksSpend_AndReportsOnlyItsOwn()
    {
        // Arrange: earlier chunks spent $4.10 of $5.00.
        var gate = new BudgetGate(5m, 4.10m);

        // Act
        var first = gate.TryReserve(R(0), 0.5m);
        var second = gate.TryReserve(R(1), 0.5m);
        gate.Settle(R(0), 0.3m);

        // Assert
        Assert.True(first);
        Assert.False(second);
        Assert.Equal(4.40m, gate.SpentUsd);
        Assert.Equal(0.30m, gate.SpentHereUsd);
        Assert.Equal("Stopped by the cost cap: the next run could cost up to $0.50 and $4.60 of the $5.00 cap is spent or reserved.", gate.StopReason);
    }

    [Fact]
    public void Reason_SmallAmounts_KeepTheDigitsThatMatter()
    {
        Assert.Equal("Stopped by the cost cap: the next run could cost up to $0.01311 and $0.000038 of the $0.05 cap is spent or reserved.",
            BudgetGate.Reason(0.01311m, 0.0000380004m, 0.05m));
    }

    [Fact]
    public void AttemptUpperUsd_OneAttemptOfCloudRunForTheWholeTimeoutPlusMaxBudget()
    {
        // 1 vCPU, 512Mi: (60 + 600 + 30) s x (0.000018 + 0.5 x 0.000002) = 0.01311; plus maxBudgetUsd 0.40.
        var task = BatchIntake.Read(
            Encoding.UTF8.GetBytes("""{"tasks": [{"id": "t", "prompt": "p", "n": 10, "maxAttempts": 3, "timeoutSeconds": 60, "maxBudgetUsd": 0.4, "profile": {"cpu": "1", "memory": "512Mi"}}]}"""),
            new BatchLimits(), new BatchDefaults(), () => "x").Batch!.Tasks[0];

        var upper = BudgetGate.AttemptUpperUsd(task, AggregationOptions.Default, AttemptTimeLimits.Default);

        Assert.Equal(0.41311m, upper);
    }

    [Theory]
    [InlineData(50, 500, 50)]
    [InlineData(800, 500, 500)]
    [InlineData(1, 500, 1)]
    public void Concurrency_OneChunkAtATimeWithTheBatchWindow(int maxParallelRuns, int chunkSize, int window)
    {
        Assert.Equal(new ChunkConcurrency(1, window), BudgetGate.Concurrency(maxParallelRuns, chunkSize));
    }
}
