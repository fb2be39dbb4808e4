using Orchestration.Adapters.Google;

namespace Orchestration.Activities.Tests.Google;

/// <summary>A token source that never touches the network.</summary>
internal sealed class FixedTokenSource(string? token) : IGoogleAccessTokenSource
{
    public ValueTask<string?> GetAccessTokenAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(token);
}
