using System.Globalization;
using Orchestration.Domain.Documents;

namespace Orchestration.Domain.Judging;

/// <summary>Judges a run's result into an outcome and the flags that fired (shared/DESIGN.md section 10).</summary>
/// <remarks>Pure: the same task, result and response always give the same judgement, so a collect
/// activity retried at least once writes the same row.</remarks>
public static partial class Judge
{
    /// <summary>Judges one attempt that left a <c>result.json</c>.</summary>
    /// <param name="task">The normalised task.</param>
    /// <param name="result">The attempt's <c>result.json</c>.</param>
    /// <param name="response">The content of <c>response.txt</c> (Claude's final text or stdout);
    /// null when absent, in which case a Claude run falls back to the summary's <c>result</c>.</param>
    /// <param name="options">Limits; <see cref="JudgeOptions.Default"/> when null.</param>
    /// <returns>The judgement. An <see cref="RunOutcome.Errored"/> outcome means the attempt failed for
    /// infrastructure reasons: the workflow starts another attempt unless a <see cref="BatchFault"/> is set
    /// or attempts are spent.</returns>
    public static Judgement Evaluate(BatchTask task, RunResult result, string? response, JudgeOptions? options = null) =>
        EvaluateCaptured(task, result, new RunTexts(response), options);

    /// <summary>Judges one attempt that left a <c>result.json</c>, with every text its flag rules may read.</summary>
    /// <param name="task">The normalised task.</param>
    /// <param name="result">The attempt's <c>result.json</c>.</param>
    /// <param name="texts">The response and, for rules with <c>stream</c> stdout or stderr, those captures.</param>
    /// <param name="options">Limits; <see cref="JudgeOptions.Default"/> when null.</param>
    /// <returns>The judgement.</returns>
    public static Judgement EvaluateCaptured(BatchTask task, RunResult result, RunTexts texts, JudgeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(texts);
        options ??= JudgeOptions.Default;

        var verdict = DecideOutcome(task, result, options);
        var text = texts.Response ?? (task.Kind == TaskKind.Claude ? result.Claude?.Summary?.Result : null) ?? string.Empty;
        var (capped, cappedByJudge) = ResponseText.Cap(text, options.MaxResponseBytes);
        var flags = EvaluateFlags(task, result, capped, texts, options);
        return verdict with
        {
            Flags = flags.Fired,
            FlagProblems = flags.Problems,
            ResponseTruncated = cappedByJudge || result.Response?.Truncated == true,
        };
    }

    /// <summary>Whether any of the task's flag rules reads <paramref name="stream"/>, so a collector fetches only what is read.</summary>
    /// <param name="task">The normalised task.</param>
    /// <param name="stream">The captured text.</param>
    /// <returns>True when some rule reads it.</returns>
    public static bool Reads(BatchTask task, FlagStream stream)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task.Flags.Values.Any(rule => rule.VerdictFile is null && rule.File is null && (rule.Stream ?? FlagStream.Response) == stream);
    }

    /// <summary>A run that errored without a judgeable result: infrastructure failure after all attempts,
    /// an execution that failed with no <c>result.json</c>, a missing claim.</summary>
    /// <param name="reason">Why, in plain words.</param>
    /// <param name="batchFault">A batch-level fault, if the failure will repeat for every run.</param>
    /// <returns>The judgement.</returns>
    public static Judgement Errored(string reason, BatchFault? batchFault = null) =>
        new() { Outcome = RunOutcome.Errored, Reason = reason, BatchFault = batchFault };

    /// <summary>A run that passed its deadline without a result (the workflow cancelled the execution).</summary>
    /// <param name="reason">Why, in plain words.</param>
    /// <returns>The judgement.</returns>
    public static Judgement TimedOut(string reason) => new() { Outcome = RunOutcome.TimedOut, Reason = reason };

    /// <summary>A run cancelled before a complete result arrived, or never launched.</summary>
    /// <param name="reason">Why, in plain words.</param>
    /// <returns>The judgement.</returns>
    public static Judgement Cancelled(string reason) => new() { Outcome = RunOutcome.Cancelled, Reason = reason };

    // The same for both kinds: a deadline or a cancel first; then a failing preCommand fails the run (the
    // main phase never ran, and running it again would fail the same way); then the main phase's verdict,
    // which a failing postCommand turns into a fail (an errored attempt stays errored: it is retried).
    private static Judgement DecideOutcome(BatchTask task, RunResult result, JudgeOptions options)
    {
        switch (result.Termination)
        {
            case Termination.Timeout:
                return TimedOut(TimeoutReason(task, result));
            case Termination.Cancel:
                return Cancelled("the run was cancelled");
        }

        var main = result.PreCommandExitCode is { } pre && pre != 0
            ? Failed(Invariant($"preCommand exited {pre}; {(task.Kind == TaskKind.Claude ? "Claude" : "the command")} did not run"))
            : task.Kind == TaskKind.Claude ? JudgeClaude(result, options) : JudgeCommand(task, result);
        if (result.PostCommandExitCode is not { } post || post == 0)
        {
            return main;
        }

        var postFailure = Invariant($"postCommand exited {post}");
        return main.Outcome switch
        {
            RunOutcome.Passed => Failed(postFailure),
            _ => main with { Reason = main.Reason is null ? postFailure : $"{main.Reason}; {postFailure}" },
        };
    }

    // The limit the work really had (result.json's, else the task's) and how long it ran.
    private static string TimeoutReason(BatchTask task, RunResult result)
    {
        var limit = result.WorkLimitSeconds ?? task.TimeoutSeconds;
        return result.DurationSeconds is { } ran
            ? Invariant($"the work passed its time limit of {limit} s (ran {ran:0.0} s)")
            : Invariant($"the work passed its time limit of {limit} s");
    }

    private static Judgement JudgeCommand(BatchTask task, RunResult result)
    {
        if (result.ExitCode is not { } exitCode)
        {
            return Errored("result.json has no exit code: the command did not run");
        }

        return task.PassExitCodes.Contains(exitCode)
            ? new Judgement { Outcome = RunOutcome.Passed }
            : new Judgement
            {
                Outcome = RunOutcome.Failed,
                Reason = Invariant($"exit code {exitCode} is not a pass exit code ({string.Join(", ", task.PassExitCodes)})"),
            };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
