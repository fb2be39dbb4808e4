namespace Orchestration.Api.Tests;

/// <summary>A host that only ever receives abusive requests, so its batch store and engine must stay empty.</summary>
public sealed class AbuseHostFixture : IAsyncLifetime
{
    public ApiHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await ApiHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
