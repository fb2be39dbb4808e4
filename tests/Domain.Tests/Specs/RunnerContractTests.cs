using Orchestration.Domain.Specs;

namespace Orchestration.Domain.Tests.Specs;

/// <summary>The bucket layout and job labels, pinned literally here because the runner script (runner/) and
/// deployed jobs depend on them; everything else builds and parses names through RunnerContract.</summary>
public sealed class RunnerContractTests
{
    [Fact]
    public void Names_Layout_MatchesTheRunnerContract()
    {
        Assert.Equal("runs/b/n/t/3/a2/", RunnerContract.AttemptPrefix("b", "n", "t", 3, 2));
        Assert.Equal("runs/b/n/t/spec.json", RunnerContract.SpecObject("b", "n", "t"));
        Assert.Equal("runs/b/n/", RunnerContract.SubmissionPrefix("b", "n"));
        Assert.Equal("inputs/abc.tar.gz", RunnerContract.InputBundleObject("abc"));
    }

    [Fact]
    public void JobLabels_Prefix_ManagedByAndDeployment()
    {
        var labels = RunnerContract.JobLabels("orch");

        Assert.Equal(2, labels.Count);
        Assert.Equal("orchestration", labels["managed-by"]);
        Assert.Equal("orch", labels["deployment"]);
    }

    [Theory]
    [InlineData("runs/b/n/t/3/a2/")]
    [InlineData("gs://bucket/runs/b/n/t/3/a2/")]
    [InlineData("gs://bucket/runs/b/n/t/3/a2")]
    public void TryParseAttemptPrefix_WrittenPrefixOrUri_ReadsItBack(string prefix)
    {
        var parsed = RunnerContract.TryParseAttemptPrefix(prefix, out var address);

        Assert.True(parsed);
        Assert.Equal(new AttemptAddress("b", "n", "t", 3, 2), address);
    }

    [Fact]
    public void TryParseAttemptPrefix_RoundTrip_SameAddress()
    {
        var prefix = RunnerContract.AttemptPrefix("batch-1", "0f3a", "task.x", 17, 5);

        Assert.True(RunnerContract.TryParseAttemptPrefix("gs://bkt/" + prefix, out var address));
        Assert.Equal(new AttemptAddress("batch-1", "0f3a", "task.x", 17, 5), address);
    }

    [Theory]
    [InlineData("gs://bucket/other/b/n/t/3/a2/")]
    [InlineData("gs://bucket/runs/b/n/t/3/")]
    [InlineData("gs://bucket/runs/b/n/t/x/a2/")]
    [InlineData("")]
    public void TryParseAttemptPrefix_NotAnAttemptPrefix_False(string prefix)
    {
        Assert.False(RunnerContract.TryParseAttemptPrefix(prefix, out var address));
        Assert.Null(address);
    }

    [Fact]
    public void TryParseAttemptPrefix_LastSegmentNotAttempt_AttemptNull()
    {
        Assert.True(RunnerContract.TryParseAttemptPrefix("runs/b/n/t/3/spec/", out var address));
        Assert.Null(address.Attempt);
    }
}
