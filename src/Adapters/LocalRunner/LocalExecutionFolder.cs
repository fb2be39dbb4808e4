using System.Globalization;
using Orchestration.Activities.CloudRun;

namespace Orchestration.Adapters.LocalRunner;

/// <summary>The files of one execution under <c>{StateFolder}/executions/{id}/</c>, and the state they map to.</summary>
/// <remarks>
/// Files, each written once and atomically: <c>execution.json</c> (spec, by the host that accepted it),
/// <c>launched</c> (launch time; created-if-absent, so two hosts never both start it), <c>pid</c>
/// ("pid starttime", by the wrapper itself before the runner starts), <c>exit</c> (exit code, by the
/// wrapper when the runner ends), <c>cancelled</c> / <c>timedout</c> (time the SIGTERM was decided),
/// <c>outcome.json</c> (the terminal state, frozen when first seen), <c>stdout.log</c>,
/// <c>stderr.log</c> and the <c>workspace/</c> folder. A native execution has no <c>pid</c>: its driver
/// keeps its journal in <c>native/</c>, holds a lock on that folder while it drives, and writes <c>exit</c>.
/// <c>execution.json</c>, <c>outcome.json</c> and a native execution's <c>launched</c> and <c>exit</c> are not
/// fsync'd (see <see cref="LocalStateFiles"/>): a machine crash may lose them or leave them empty, and they are read
/// accordingly. An unreadable outcome is worked out again; a native execution's unreadable exit is absent (its
/// driver runs again and writes it from <c>native/exit</c>, which is durable); a lost <c>launched</c> of a native
/// execution starts its driver again, which resumes from its durable journal and never spawns the work twice. A
/// script execution's <c>launched</c> stays durable: nothing else stops a second start of its runner.
/// </remarks>
/// <param name="path">The execution's folder.</param>
internal sealed class LocalExecutionFolder(string path)
{
    /// <summary>The folder.</summary>
    public string Path { get; } = path;

    /// <summary>The spec file.</summary>
    public string RecordFile => Combine("execution.json");

    /// <summary>The launch marker.</summary>
    public string LaunchedFile => Combine("launched");

    /// <summary>pid and start ticks of the wrapper.</summary>
    public string PidFile => Combine("pid");

    /// <summary>Exit code of the runner.</summary>
    public string ExitFile => Combine("exit");

    /// <summary>Cancel marker.</summary>
    public string CancelledFile => Combine("cancelled");

    /// <summary>Timeout marker.</summary>
    public string TimedOutFile => Combine("timedout");

    /// <summary>The frozen terminal state.</summary>
    public string OutcomeFile => Combine("outcome.json");

    /// <summary>The runner's standard output.</summary>
    public string StdoutFile => Combine("stdout.log");

    /// <summary>The runner's standard error.</summary>
    public string StderrFile => Combine("stderr.log");

    /// <summary>The native executor's journal folder, locked (flock) by the host driving the execution.</summary>
    public string NativeFolder => Combine("native");

    /// <summary>The execution's fresh workspace (<c>RUNNER_WORKSPACE</c>).</summary>
    public string Workspace => Combine("workspace");

    /// <summary>Maps the files to a state; a terminal state seen for the first time is frozen in <c>outcome.json</c>.</summary>
    /// <param name="record">The execution's spec.</param>
    /// <param name="now">Current time.</param>
    /// <param name="launchGrace">How long a launched process may take to record its pid.</param>
    /// <param name="knownLaunched">The launch time when the caller has read or written it already (the marker is created once and never changes).</param>
    /// <param name="firstTerminal">True when this call froze the terminal state.</param>
    /// <returns>The observation.</returns>
    public LocalObservation Observe(LocalExecutionRecord record, DateTimeOffset now, TimeSpan launchGrace, DateTimeOffset? knownLaunched, out bool firstTerminal)
    {
        firstTerminal = false;
        if (LocalStateFiles.TryReadJson<LocalOutcomeRecord>(OutcomeFile) is { } frozen)
        {
            return new LocalObservation(frozen.State, frozen.StartTime is not null, frozen.StartTime, frozen.CompletionTime, frozen.FailureReason, null);
        }

        var observation = ObserveLive(record, now, launchGrace, knownLaunched);
        if (observation.IsTerminal)
        {
            var outcome = new LocalOutcomeRecord(observation.State, observation.StartTime, observation.CompletionTime ?? now, observation.FailureReason);
            // Not fsync'd: a lost outcome is worked out again from the files it came from.
            firstTerminal = LocalStateFiles.TryCreateJson(OutcomeFile, outcome, durable: false);
            if (!firstTerminal)
            {
                // Another observer froze it first: its outcome is the one.
                outcome = LocalStateFiles.TryReadJson<LocalOutcomeRecord>(OutcomeFile) ?? outcome;
            }

            return new LocalObservation(outcome.State, outcome.StartTime is not null, outcome.StartTime, outcome.CompletionTime, outcome.FailureReason, null);
        }

        return observation;
    }

    /// <summary>The exit code a native execution's driver recorded, or null when it has not (or a machine crash emptied the file).</summary>
    /// <returns>The code.</returns>
    public int? ReadNativeExit() =>
        LocalStateFiles.ReadText(ExitFile) is { } text && int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code) ? code : null;

    /// <summary>Reads the wrapper's pid and start ticks, or null before it recorded them.</summary>
    /// <returns>The identity.</returns>
    public (int Pid, long StartTicks)? ReadPid() => LocalProcess.ReadIdentity(PidFile);

    /// <summary>The live wrapper's pid, or null when it is not (or no longer) running.</summary>
    /// <returns>The pid, which is also its process group.</returns>
    public int? LivePid() => ReadPid() is { } id && LocalProcess.IsAlive(id.Pid, id.StartTicks) ? id.Pid : null;

    private LocalObservation ObserveLive(LocalExecutionRecord record, DateTimeOffset now, TimeSpan launchGrace, DateTimeOffset? knownLaunched)
    {
        var launched = knownLaunched ?? LocalStateFiles.ReadMarker(LaunchedFile);
        var cancelled = LocalStateFiles.ReadMarker(CancelledFile);
        if (launched is null)
        {
            return cancelled is { } at
                ? new LocalObservation(CloudRunExecutionState.Cancelled, false, null, at, "cancelled before it started", null)
                : new LocalObservation(CloudRunExecutionState.Pending, false, null, null, null, null);
        }

        if (Finished(record, launched.Value, cancelled) is { } finished)
        {
            return finished;
        }

        if (record.IsNative)
        {
            // The driver owns the work's pid and launch rules; until it writes the exit file the execution runs.
            return new LocalObservation(CloudRunExecutionState.Running, true, launched, null, null, null);
        }

        var pid = ReadPid();
        if (pid is null)
        {
            if (now - launched.Value <= launchGrace)
            {
                // Launched, the wrapper has not recorded itself yet: Cloud Run too says pending until the task starts.
                return new LocalObservation(cancelled is null ? CloudRunExecutionState.Pending : CloudRunExecutionState.Running, true, launched, null, null, null);
            }

            return Gone(record, launched.Value, cancelled, now, "the process never recorded its pid");
        }

        if (LocalProcess.IsAlive(pid.Value.Pid, pid.Value.StartTicks))
        {
            return new LocalObservation(CloudRunExecutionState.Running, true, launched, null, null, pid.Value.Pid);
        }

        // It may have written its exit code and ended between the first look and now.
        return Finished(record, launched.Value, cancelled) ?? Gone(record, launched.Value, cancelled, now, "the process disappeared without an exit code");
    }

    private LocalObservation? Finished(LocalExecutionRecord record, DateTimeOffset launched, DateTimeOffset? cancelled)
    {
        var text = LocalStateFiles.ReadText(ExitFile);
        var parsed = int.TryParse(text?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var c);
        if (text is null || (record.IsNative && !parsed))
        {
            return null;
        }

        var completion = new DateTimeOffset(File.GetLastWriteTimeUtc(ExitFile), TimeSpan.Zero);
        var code = parsed ? c : -1;
        if (cancelled is not null)
        {
            return new LocalObservation(CloudRunExecutionState.Cancelled, true, launched, completion, "cancelled", null);
        }

        if (File.Exists(TimedOutFile))
        {
            return new LocalObservation(CloudRunExecutionState.Failed, true, launched, completion, TimedOutReason(record), null);
        }

        return code == 0
            ? new LocalObservation(CloudRunExecutionState.Succeeded, true, launched, completion, null, null)
            : new LocalObservation(CloudRunExecutionState.Failed, true, launched, completion, string.Create(CultureInfo.InvariantCulture, $"exit code {code}"), null);
    }

    private LocalObservation Gone(LocalExecutionRecord record, DateTimeOffset launched, DateTimeOffset? cancelled, DateTimeOffset now, string reason)
    {
        if (cancelled is not null)
        {
            return new LocalObservation(CloudRunExecutionState.Cancelled, true, launched, now, "cancelled", null);
        }

        return File.Exists(TimedOutFile)
            ? new LocalObservation(CloudRunExecutionState.Failed, true, launched, now, TimedOutReason(record), null)
            : new LocalObservation(CloudRunExecutionState.Failed, true, launched, now, reason, null);
    }

    private static string TimedOutReason(LocalExecutionRecord record) =>
        string.Create(CultureInfo.InvariantCulture, $"timed out after {record.Timeout}");

    private string Combine(string name) => System.IO.Path.Combine(Path, name);
}
