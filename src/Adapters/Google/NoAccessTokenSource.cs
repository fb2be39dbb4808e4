
namespace Orchestration.Adapters.Google;

/// <summary>The "no auth" mode: requests go out without an Authorization header.</summary>
/// <remarks>Only for the loopback fakes and emulators; never configure it against Google.</remarks>
public sealed class NoAccessTokenSource : IGoogleAccessTokenSource
{
    /// <inheritdoc />
    public ValueTask<string?> GetAccessTokenAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<string?>(null);
}
