using System.Text.Json;
using Orchestration.Activities.Contracts;
using Orchestration.Domain;
using Orchestration.Domain.Judging;

namespace Orchestration.Activities.Tests.Contracts;

/// <summary>The attempt log's result strings: one name per result, the same in the stored row, in durable
/// payloads (BatchJson) and, for judged attempts, as the stores spell the run's outcome.</summary>
public sealed class AttemptResultsTests
{
    [Theory]
    [InlineData(AttemptResult.Passed, "passed")]
    [InlineData(AttemptResult.Failed, "failed")]
    [InlineData(AttemptResult.Errored, "errored")]
    [InlineData(AttemptResult.TimedOut, "timedOut")]
    [InlineData(AttemptResult.Cancelled, "cancelled")]
    [InlineData(AttemptResult.Lost, "lost")]
    public void Name_EachResult_StoredStringAndJsonForm(AttemptResult result, string expected)
    {
        // Act
        var name = AttemptResults.Name(result);
        var json = JsonSerializer.Serialize(result, BatchJson.Options);

        // Assert
        Assert.Equal(expected, name);
        Assert.Equal($"\"{expected}\"", json);
    }

    [Fact]
    public void Of_EveryRunOutcome_NamedAsTheOutcomeIsNamedEverywhere()
    {
        // Act
        var names = Enum.GetValues<RunOutcome>().Select(o => (WireNames.Of(o), AttemptResults.Name(AttemptResults.Of(o))));

        // Assert
        Assert.All(names, pair => Assert.Equal(pair.Item1, pair.Item2));
    }

    [Fact]
    public void Of_UndefinedOutcome_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AttemptResults.Of((RunOutcome)99));
    }
}
