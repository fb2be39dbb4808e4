namespace Orchestration.Server.Remote;

/// <summary>What a remote command works with.</summary>
/// <param name="Client">The API client.</param>
/// <param name="Out">Standard output: results a script reads.</param>
/// <param name="Err">Standard error: messages for the person.</param>
internal sealed record RemoteContext(OrchestrationClient Client, TextWriter Out, TextWriter Err)
{
    /// <summary>The shared progress view and table writer.</summary>
    public BatchWatcher Watcher(bool json = false) => new(Client, Out, Err, json);
}
