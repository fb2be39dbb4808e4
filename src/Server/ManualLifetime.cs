namespace Orchestration.Server;

/// <summary>A host lifetime that leaves Ctrl-C to <c>run FILE</c>: the first press detaches, the second
/// cancels, neither simply stops the host as the console lifetime would.</summary>
internal sealed class ManualLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
