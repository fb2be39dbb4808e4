using Microsoft.Extensions.Logging;

namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary>The runner contract (runner/README.md) in the host process: claim, inputs, work, captures, uploads, over the local object store.</summary>
/// <remarks>
/// <para>
/// What runner/runner.sh does in a container, without bash, Node or the gcloud stand-in per run: only the
/// work is spawned: one bash that runs runner/phases.sh's phases with their semantics and enforces the time
/// limit as <c>timeout</c> does (forks, no further programs), the user's command and <c>claude</c>, and <c>git</c>
/// or <c>claude --version</c> when the task needs them. result.json is byte for byte what runner-lib.js writes for the same inputs, apart
/// from times and ids (and the size of output.tar.gz, whose packing differs from GNU tar's).
/// </para>
/// <para>
/// Crash safety is the point: the steps leave a journal in the state folder, and the work runs at most
/// once per state folder (each launch recorded right before the work is handed to the spawner, and a later
/// launch only once the earlier one's pid file name is taken from it, so it can never start). A later call resumes
/// where the journal says: it adopts running work through its recorded pid and start time, reuses
/// captures already built, and counts an object already stored with the same bytes as uploaded.
/// </para>
/// </remarks>
public static class NativeExecutor
{
    /// <summary>Runs or resumes one execution to its end and returns runner.sh's exit status.</summary>
    /// <param name="request">The execution.</param>
    /// <param name="logger">Receives the runner's own messages.</param>
    /// <param name="terminate">SIGTERM semantics (Cloud Run's cancel): TERM to the work, which TERMs its process group,
    /// ends and KILLs what is left of it, then the uploads with termination "cancel".</param>
    /// <param name="abandon">The host is going away: stop driving at once without signalling anything and throw
    /// <see cref="OperationCanceledException"/>; a later call with the same state folder resumes.</param>
    /// <returns>0 when the work ran or the execution is a duplicate; 1 for an infrastructure failure.</returns>
    public static Task<int> RunAsync(NativeExecutionRequest request, ILogger logger, CancellationToken terminate, CancellationToken abandon) =>
        RunAsync(request, logger, NativeExecutorSettings.Default, terminate, abandon);

    /// <summary>As <see cref="RunAsync(NativeExecutionRequest, ILogger, CancellationToken, CancellationToken)"/>, with machine settings.</summary>
    internal static Task<int> RunAsync(NativeExecutionRequest request, ILogger logger, NativeExecutorSettings settings, CancellationToken terminate, CancellationToken abandon)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(logger);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The native executor needs Linux (setsid, /proc, process-group signals).");
        }

        return new NativeExecution(request, logger, settings, terminate, abandon).RunAsync();
    }
}
