namespace Orchestration.Domain.Specs;

/// <summary>The time one attempt's execution has around its work: a task's <c>timeoutSeconds</c> is the
/// work's alone (preCommand + command or Claude + postCommand), and these allowances come on top of it.</summary>
/// <remarks>
/// The one source of the figures: spec.json carries <see cref="SetupSeconds"/> to the runner
/// (<see cref="SpecLimits.SetupSeconds"/>), StartRun sets the Cloud Run task timeout (and the local
/// runner's limit) to <see cref="ExecutionTimeout"/>, and the run orchestrator's completion deadline is
/// the claim time + <see cref="ExecutionTimeout"/> + its polling grace. The runner gives the work its full
/// <c>timeoutSeconds</c> unless the setup outlasted <see cref="SetupSeconds"/>; only then is the work cut,
/// so that it still ends (and uploads) before the task timeout, and result.json records the limit it had.
/// </remarks>
/// <param name="SetupSeconds">Before the work: claim, spec, inputs (downloads, git fetches, unpacking),
/// Claude's version check.</param>
/// <param name="UploadMarginSeconds">After the work: its TERM-to-KILL grace, the uploads of the captures,
/// result.json and the output, and the container's exit.</param>
public sealed record AttemptTimeLimits(int SetupSeconds = AttemptTimeLimits.DefaultSetupSeconds, int UploadMarginSeconds = AttemptTimeLimits.DefaultUploadMarginSeconds)
{
    /// <summary>The default setup allowance: 10 minutes (a large git input or bundle takes minutes).</summary>
    public const int DefaultSetupSeconds = 600;

    /// <summary>The default upload margin: 30 s (Cloud Run's own SIGTERM-to-SIGKILL is 10 s; packing and
    /// uploading a large output takes longer).</summary>
    public const int DefaultUploadMarginSeconds = 30;

    /// <summary>The allowances every host and the runner use.</summary>
    /// <remarks>A fresh instance on each read: hosts bind configuration into the instance they start from,
    /// and a shared one would carry one host's settings into every later reader in the process.</remarks>
    public static AttemptTimeLimits Default => new();

    /// <summary>The whole execution's limit for a task: <paramref name="timeoutSeconds"/> + setup + upload margin.</summary>
    /// <param name="timeoutSeconds">The task's <c>timeoutSeconds</c> (the work's limit).</param>
    /// <returns>The Cloud Run task timeout of the attempt's execution.</returns>
    public TimeSpan ExecutionTimeout(int timeoutSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(timeoutSeconds);
        return TimeSpan.FromSeconds((long)timeoutSeconds + SetupSeconds + UploadMarginSeconds);
    }
}
