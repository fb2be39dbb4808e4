using Microsoft.Extensions.DependencyInjection;

namespace Orchestration.Workflows.Tests.Engines;

/// <summary>The Durable Task worker's own services first, then the harness's: the worker resolves its options
/// and logging from the first, and the activities it creates resolve the product's classes from the second.</summary>
/// <remarks>Scopes are composed the same way, since the worker creates every activity inside a scope of the
/// provider it was built with.</remarks>
internal sealed class FallbackServiceProvider(IServiceProvider primary, IServiceProvider fallback) : IServiceProvider, IServiceScopeFactory
{
    public object? GetService(Type serviceType) =>
        serviceType == typeof(IServiceProvider) || serviceType == typeof(IServiceScopeFactory)
            ? this
            : primary.GetService(serviceType) ?? fallback.GetService(serviceType);

    public IServiceScope CreateScope() => new Scope(primary.CreateScope(), fallback.CreateScope());

    private sealed class Scope(IServiceScope primary, IServiceScope fallback) : IServiceScope, IAsyncDisposable
    {
        public IServiceProvider ServiceProvider { get; } = new FallbackServiceProvider(primary.ServiceProvider, fallback.ServiceProvider);

        public void Dispose()
        {
            primary.Dispose();
            fallback.Dispose();
        }

        public async ValueTask DisposeAsync()
        {
            await ((IAsyncDisposable)primary).DisposeAsync().ConfigureAwait(false);
            await ((IAsyncDisposable)fallback).DisposeAsync().ConfigureAwait(false);
        }
    }
}
