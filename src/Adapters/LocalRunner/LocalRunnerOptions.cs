using System.ComponentModel.DataAnnotations;

namespace Orchestration.Adapters.LocalRunner;

/// <summary>Settings of the local job runner (section <c>LocalRunner</c>).</summary>
/// <remarks>
/// The local runner stands in for Cloud Run Jobs in the standalone host. With <see cref="Executor"/>
/// <c>Native</c> (the default) each execution is driven in the host process by the runner contract's C#
/// implementation over the local object store under <see cref="ObjectsRoot"/>, spawning only the work;
/// with <c>Script</c> each execution is a detached local process running <see cref="RunnerCommand"/>
/// (the same runner script as the container).
/// </remarks>
public sealed class LocalRunnerOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "LocalRunner";

    /// <summary>Folder holding the job records and one folder per execution (pid, exit code, logs, workspace).</summary>
    /// <remarks>Kept across restarts: a restarted host re-adopts the executions recorded here.</remarks>
    [Required]
    public string StateFolder { get; set; } = string.Empty;

    /// <summary>How executions are carried out: <c>Native</c> (default) or <c>Script</c>.</summary>
    /// <remarks>Recorded per execution when it is accepted, so an execution keeps its executor across restarts and setting changes.</remarks>
    public LocalExecutor Executor { get; set; } = LocalExecutor.Native;

    /// <summary>The local object store's root for <c>Native</c>: <c>gs://B/O</c> is the file <c>{ObjectsRoot}/B/O</c> (what <c>GCS_LOCAL_ROOT</c> is to the gcloud stand-in).</summary>
    public string? ObjectsRoot { get; set; }

    /// <summary>Where <c>Native</c> executions keep their working files (laid-out spec, the work's pid, status and
    /// captures, the upload staging), a folder per execution; null: in the execution's own folder. Meant for a memory
    /// file system (the standalone host uses one under <c>/dev/shm</c> when it can): these files are created and deleted
    /// for every run, and only the journal and the exit status, which stay in the state folder, must outlive the
    /// machine (a work whose working files a restart took is reported lost, never run again).</summary>
    public string? ScratchFolder { get; set; }

    /// <summary>The command each execution runs with <c>Script</c>, program first, e.g. <c>["bash", "runner/runner.sh"]</c>.</summary>
    /// <remarks>Required only when <see cref="Executor"/> is <c>Script</c>.</remarks>
    public IList<string> RunnerCommand { get; set; } = [];

    /// <summary>A folder put first on the runner's <c>PATH</c>, e.g. the one holding the <c>gcloud</c> storage stand-in.</summary>
    public string? ShimFolder { get; set; }

    /// <summary>Extra environment of every execution, e.g. <c>GCS_LOCAL_ROOT</c> = the local object store's root.</summary>
    /// <remarks>Applied before the job's env, so a job cannot be starved of its own settings by a machine setting.</remarks>
    public IDictionary<string, string> ExtraEnvironment { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Variables of the host's own environment passed on to executions; everything else is withheld.</summary>
    /// <remarks>A Cloud Run container does not see the orchestrator's environment either, and the host's may hold credentials.</remarks>
    public IList<string> InheritedVariables { get; set; } = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR", "SHELL"];

    /// <summary>Local values of Secret Manager references, by secret id (<c>anthropic-api-key</c>) or full name.</summary>
    /// <remarks>
    /// There is no Secret Manager locally: a job's secret env reference is resolved from here when its
    /// execution starts and omitted when no value is configured. Values are never written to the state folder.
    /// </remarks>
    public IDictionary<string, string> SecretValues { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Executions running at once; further ones stay pending until a slot frees. Default: cores x 4.</summary>
    /// <remarks>The same figure as the default <c>maxParallelRuns</c> of local batches, so a batch that takes that
    /// default is not held below it here; a batch that asks for more still waits for slots.</remarks>
    [Range(1, 10_000)]
    public int MaxParallelExecutions { get; set; } = Environment.ProcessorCount * 4;

    /// <summary>Execution starts per minute; 0 = unlimited.</summary>
    [Range(0, 100_000)]
    public double StartsPerMinute { get; set; }

    /// <summary>Starts allowed back to back before <see cref="StartsPerMinute"/> pacing applies.</summary>
    [Range(1, 10_000)]
    public int StartBurst { get; set; } = 5;

    /// <summary>Longest in-process wait for a start slot; beyond it a start is reported throttled.</summary>
    public TimeSpan MaxStartWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Wait between SIGTERM to an execution's process group (cancel, timeout) and SIGKILL.</summary>
    /// <remarks>Cloud Run gives 10 s too; the runner uses it to upload partial output.</remarks>
    public TimeSpan KillGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often running executions are checked (exit, timeout, kill) and pending ones started.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a launched execution may take to record its pid before it counts as failed.</summary>
    public TimeSpan LaunchGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Keep an execution's workspace folder after it finished (for debugging); deleted otherwise.</summary>
    public bool KeepWorkspaces { get; set; }

    /// <summary>Page size of the job listing.</summary>
    [Range(1, 10_000)]
    public int ListPageSize { get; set; } = 100;

    /// <summary>Path of <c>setsid</c>, which puts each execution in its own session (Linux util-linux).</summary>
    [Required]
    public string SetsidPath { get; set; } = "/usr/bin/setsid";

    /// <summary>Path of the bash that runs the small wrapper recording pid and exit code.</summary>
    [Required]
    public string BashPath { get; set; } = "/bin/bash";

    /// <inheritdoc />
    /// <remarks>Checks what attributes cannot: a known executor with what it needs (a program to run, an object root), and durations that make sense.</remarks>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(Executor))
        {
            yield return new ValidationResult("LocalRunner:Executor must be Native or Script.", [nameof(Executor)]);
        }

        if (Executor == LocalExecutor.Script && (RunnerCommand is not { Count: > 0 } || string.IsNullOrWhiteSpace(RunnerCommand[0])))
        {
            yield return new ValidationResult("LocalRunner:RunnerCommand needs a program as its first item (Executor is Script).", [nameof(RunnerCommand)]);
        }

        if (Executor == LocalExecutor.Native && string.IsNullOrWhiteSpace(ObjectsRoot))
        {
            yield return new ValidationResult("LocalRunner:ObjectsRoot is required when Executor is Native (the local object store's root).", [nameof(ObjectsRoot)]);
        }

        if (PollInterval <= TimeSpan.Zero || KillGrace < TimeSpan.Zero || LaunchGrace <= TimeSpan.Zero || MaxStartWait < TimeSpan.Zero)
        {
            yield return new ValidationResult(
                "LocalRunner:PollInterval and LaunchGrace must be positive, KillGrace and MaxStartWait not negative.",
                [nameof(PollInterval), nameof(LaunchGrace), nameof(KillGrace), nameof(MaxStartWait)]);
        }
    }
}
