using Orchestration.Domain.Judging;

namespace Orchestration.Domain.Aggregation;

/// <summary>Live progress counts carried in a chunk's or batch's custom status: totals plus arrays
/// indexed by task ordinal.</summary>
/// <remarks>
/// A commutative monoid: <see cref="Merge"/> is associative and commutative with <see cref="Empty"/>
/// as identity (arrays of different lengths merge as if padded with zeros), so chunks can fold their
/// counts in any order. Kept compact (no names, no flag names) because custom status must stay under
/// 8,000 characters at 200 tasks; per-flag-name counts live in the aggregate.
/// </remarks>
public sealed record ProgressCounts
{
    /// <summary>No runs.</summary>
    public static ProgressCounts Empty { get; } = new();

    /// <summary>Runs finished.</summary>
    public int Runs { get; init; }

    /// <summary>Passed.</summary>
    public int Passed { get; init; }

    /// <summary>Failed.</summary>
    public int Failed { get; init; }

    /// <summary>Errored.</summary>
    public int Errored { get; init; }

    /// <summary>Timed out.</summary>
    public int TimedOut { get; init; }

    /// <summary>Cancelled.</summary>
    public int Cancelled { get; init; }

    /// <summary>Runs with at least one flag.</summary>
    public int Flagged { get; init; }

    /// <summary>What the finished runs cost in USD; counted only in a batch with a cost cap (null otherwise).</summary>
    public decimal? SpentUsd { get; init; }

    /// <summary>Why a chunk of a capped batch stopped starting runs (<see cref="Planning.BudgetGate"/>); null when it
    /// did not.</summary>
    public string? BudgetStop { get; init; }

    /// <summary>Runs finished, by task ordinal.</summary>
    public IReadOnlyList<int> TaskRuns { get; init; } = [];

    /// <summary>Passed, by task ordinal.</summary>
    public IReadOnlyList<int> TaskPassed { get; init; } = [];

    /// <summary>Failed, by task ordinal.</summary>
    public IReadOnlyList<int> TaskFailed { get; init; } = [];

    /// <summary>Errored, by task ordinal.</summary>
    public IReadOnlyList<int> TaskErrored { get; init; } = [];

    /// <summary>Timed out, by task ordinal.</summary>
    public IReadOnlyList<int> TaskTimedOut { get; init; } = [];

    /// <summary>Cancelled, by task ordinal.</summary>
    public IReadOnlyList<int> TaskCancelled { get; init; } = [];

    /// <summary>Runs with at least one flag, by task ordinal.</summary>
    public IReadOnlyList<int> TaskFlagged { get; init; } = [];

    /// <summary>Zero counts for <paramref name="taskCount"/> tasks (arrays of that length).</summary>
    /// <param name="taskCount">Tasks in the batch.</param>
    /// <returns>The counts.</returns>
    public static ProgressCounts ForTasks(int taskCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(taskCount);
        var zeros = new int[taskCount];
        return new ProgressCounts
        {
            TaskRuns = zeros,
            TaskPassed = zeros,
            TaskFailed = zeros,
            TaskErrored = zeros,
            TaskTimedOut = zeros,
            TaskCancelled = zeros,
            TaskFlagged = zeros,
        };
    }

    /// <summary>The counts of a single finished run.</summary>
    /// <param name="taskOrdinal">The run's task ordinal.</param>
    /// <param name="outcome">Its outcome.</param>
    /// <param name="flagged">Whether any flag fired.</param>
    /// <returns>The counts.</returns>
    public static ProgressCounts Of(int taskOrdinal, RunOutcome outcome, bool flagged)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(taskOrdinal);
        int[] At(bool on)
        {
            var array = new int[taskOrdinal + 1];
            array[taskOrdinal] = on ? 1 : 0;
            return array;
        }

        return new ProgressCounts
        {
            Runs = 1,
            Passed = outcome == RunOutcome.Passed ? 1 : 0,
            Failed = outcome == RunOutcome.Failed ? 1 : 0,
            Errored = outcome == RunOutcome.Errored ? 1 : 0,
            TimedOut = outcome == RunOutcome.TimedOut ? 1 : 0,
            Cancelled = outcome == RunOutcome.Cancelled ? 1 : 0,
            Flagged = flagged ? 1 : 0,
            TaskRuns = At(true),
            TaskPassed = At(outcome == RunOutcome.Passed),
            TaskFailed = At(outcome == RunOutcome.Failed),
            TaskErrored = At(outcome == RunOutcome.Errored),
            TaskTimedOut = At(outcome == RunOutcome.TimedOut),
            TaskCancelled = At(outcome == RunOutcome.Cancelled),
            TaskFlagged = At(flagged),
        };
    }

    /// <summary>These counts plus one finished run.</summary>
    /// <param name="taskOrdinal">The run's task ordinal.</param>
    /// <param name="outcome">Its outcome.</param>
    /// <param name="flagged">Whether any flag fired.</param>
    /// <returns>The new counts.</returns>
    public ProgressCounts Add(int taskOrdinal, RunOutcome outcome, bool flagged) => Merge(Of(taskOrdinal, outcome, flagged));

    /// <summary>The sum of these counts and <paramref name="other"/>.</summary>
    /// <param name="other">Other counts (another chunk's).</param>
    /// <returns>The sum.</returns>
    public ProgressCounts Merge(ProgressCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new ProgressCounts
        {
            Runs = Runs + other.Runs,
            Passed = Passed + other.Passed,
            Failed = Failed + other.Failed,
            Errored = Errored + other.Errored,
            TimedOut = TimedOut + other.TimedOut,
            Cancelled = Cancelled + other.Cancelled,
            Flagged = Flagged + other.Flagged,
            TaskRuns = Sum(TaskRuns, other.TaskRuns),
            TaskPassed = Sum(TaskPassed, other.TaskPassed),
            TaskFailed = Sum(TaskFailed, other.TaskFailed),
            TaskErrored = Sum(TaskErrored, other.TaskErrored),
            TaskTimedOut = Sum(TaskTimedOut, other.TaskTimedOut),
            TaskCancelled = Sum(TaskCancelled, other.TaskCancelled),
            TaskFlagged = Sum(TaskFlagged, other.TaskFlagged),
            SpentUsd = SpentUsd is null && other.SpentUsd is null ? null : (SpentUsd ?? 0m) + (other.SpentUsd ?? 0m),
            BudgetStop = FirstOf(BudgetStop, other.BudgetStop),
        };
    }

    /// <summary>One task's counts (zeros for an ordinal beyond the arrays).</summary>
    /// <param name="taskOrdinal">The task ordinal.</param>
    /// <returns>The task's counts.</returns>
    public TaskProgress ForTask(int taskOrdinal) => new(
        At(TaskRuns, taskOrdinal), At(TaskPassed, taskOrdinal), At(TaskFailed, taskOrdinal), At(TaskErrored, taskOrdinal),
        At(TaskTimedOut, taskOrdinal), At(TaskCancelled, taskOrdinal), At(TaskFlagged, taskOrdinal));

    /// <summary>Structural equality: totals and every array element (zeros past an array's end).</summary>
    /// <param name="other">The other counts.</param>
    /// <returns>True when equal.</returns>
    public bool Equals(ProgressCounts? other) =>
        other is not null
        && (Runs, Passed, Failed, Errored, TimedOut, Cancelled, Flagged)
            == (other.Runs, other.Passed, other.Failed, other.Errored, other.TimedOut, other.Cancelled, other.Flagged)
        && SpentUsd == other.SpentUsd
        && string.Equals(BudgetStop, other.BudgetStop, StringComparison.Ordinal)
        && Arrays().Zip(other.Arrays()).All(pair => SameCounts(pair.First, pair.Second));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Runs, Passed, Failed, Errored, TimedOut, Cancelled, Flagged);

    private IEnumerable<IReadOnlyList<int>> Arrays() =>
        [TaskRuns, TaskPassed, TaskFailed, TaskErrored, TaskTimedOut, TaskCancelled, TaskFlagged];

    private static bool SameCounts(IReadOnlyList<int> a, IReadOnlyList<int> b) =>
        Enumerable.Range(0, Math.Max(a.Count, b.Count)).All(i => At(a, i) == At(b, i));

    private static int At(IReadOnlyList<int> counts, int index) => index >= 0 && index < counts.Count ? counts[index] : 0;

    // Either reason when one is set; of two (never in practice: one chunk of a capped batch runs at a time) the
    // ordinal first, so the merge stays commutative.
    private static string? FirstOf(string? a, string? b) => a is null ? b : b is null || string.CompareOrdinal(a, b) <= 0 ? a : b;

    private static int[] Sum(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        var sum = new int[Math.Max(a.Count, b.Count)];
        for (var i = 0; i < sum.Length; i++)
        {
            sum[i] = At(a, i) + At(b, i);
        }

        return sum;
    }
}
