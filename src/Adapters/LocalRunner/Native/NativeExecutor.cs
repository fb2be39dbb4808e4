using Microsoft.Extensions.Logging;

namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary>The runner contract (runner/README.md) in the host process: claim, inputs, work, captures, uploads, over the local object store.</summary>
public static class NativeExecutor
{
    /// <summary>Runs or resumes one execution to its end and returns runner.sh's exit status.</summary>
    /// <param name="request">The execution.</param>
    /// <param name="logger">Receives the runner's own messages.</param>
    /// <param name="terminate">SIGTERM semantics (Cloud Run's cancel): TERM the work's process group, KILL after
    /// <c>RUNNER_CANCEL_GRACE_SECONDS</c>, then the uploads with termination "cancel".</param>
    /// <param name="abandon">The host is going away: stop driving at once without signalling anything and throw
    /// <see cref="OperationCanceledException"/>; a later call with the same state folder resumes.</param>
    /// <returns>0 when the work ran or the execution is a duplicate; 1 for an infrastructure failure.</returns>
    public static Task<int> RunAsync(NativeExecutionRequest request, ILogger logger, CancellationToken terminate, CancellationToken abandon) =>
        throw new NotImplementedException("The native executor is being built; this commit fixes its public surface.");
}
