using System.Text.Json;
using Orchestration.Activities.Contracts;
using Orchestration.Domain;

namespace Orchestration.Workflows.Tests;

/// <summary>The run orchestrator's carried state: how an attempt starts and hands over to the next, and the
/// form it crosses ContinueAsNew in.</summary>
public sealed class RunStateTests
{
    private static readonly DateTime At = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Started_AfterAQueuedClaimedPoll_ClaimClockRestartsAndThrottlesKept()
    {
        // Arrange
        var polled = RunState.First with { Execution = "e0", StartRequestedAt = At, ClaimedAt = At, Poll = 7, Throttles = 2, QueuedSince = At };

        // Act
        var started = polled.Started("e1", At.AddMinutes(1));

        // Assert
        Assert.Equal(
            new RunState(1, "e1", At.AddMinutes(1), ClaimedAt: null, Poll: 0, Throttles: 2, polled.EarlierAttempts, QueuedSince: null),
            started);
    }

    [Fact]
    public void Next_LostAttempt_JoinsEarlierAttemptsAndNextAttemptUnstarted()
    {
        // Arrange
        var first = new EarlierAttempt(1, null, AttemptResult.Lost, "The execution could not be started: 503");
        var second = RunState.First.Next(first).Started("e2", At) with { ClaimedAt = At, Poll = 3, Throttles = 1 };
        var lost = new EarlierAttempt(2, "e2", AttemptResult.Lost, "The execution ended (failed) without a result.");

        // Act
        var third = second.Next(lost);

        // Assert
        Assert.Equal((3, null, null, null, 0, 0, null), (third.Attempt, third.Execution, third.StartRequestedAt, third.ClaimedAt, third.Poll, third.Throttles, third.QueuedSince));
        Assert.Equal([first, lost], third.EarlierAttempts);
    }

    [Fact]
    public void Next_JudgedAttempt_EarlierAttemptsUnchanged()
    {
        // Arrange
        var lost = new EarlierAttempt(1, "e1", AttemptResult.Lost, null);
        var second = RunState.First.Next(lost).Started("e2", At);

        // Act
        var third = second.Next(lost: null);

        // Assert
        Assert.Equal(3, third.Attempt);
        Assert.Equal([lost], third.EarlierAttempts);
    }

    [Fact]
    public void RunInput_CarriedStateWithLostAttempt_ResultWrittenAsTheStoredName()
    {
        // Arrange
        var state = RunState.First.Next(new EarlierAttempt(1, "e1", AttemptResult.Lost, "No runner claimed the attempt within 120 s."));

        // Act
        var json = JsonSerializer.Serialize(state, BatchJson.Options);
        var back = JsonSerializer.Deserialize<RunState>(json, BatchJson.Options)!;

        // Assert
        Assert.Contains("""{"attempt":1,"execution":"e1","result":"lost","reason":"No runner claimed the attempt within 120 s."}""", json, StringComparison.Ordinal);
        Assert.Equal(state.EarlierAttempts, back.EarlierAttempts);
        Assert.Equal(state with { EarlierAttempts = back.EarlierAttempts }, back);
    }
}
