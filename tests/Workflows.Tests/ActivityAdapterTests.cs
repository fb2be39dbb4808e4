using Microsoft.Extensions.DependencyInjection;
using Orchestration.Activities;
using Orchestration.Durable;

namespace Orchestration.Workflows.Tests;

public sealed class ActivityAdapterTests
{
    [Fact]
    public async Task RunAsync_HostCancels_StepSeesTheContextsToken()
    {
        // Arrange
        using var stopping = new CancellationTokenSource();
        using var services = new ServiceCollection().AddTransient<TokenProbe>().BuildServiceProvider();
        ITaskActivity adapter = new ActivityAdapter<TokenProbe, int, bool>(services);
        await stopping.CancelAsync();

        // Act
        var seen = await adapter.RunAsync(new Context(stopping.Token), 1);

        // Assert
        Assert.Equal(true, seen);
    }

    [Fact]
    public async Task RunAsync_OnTheSdkWorkerWhenTheHostStops_StepSeesApplicationStopping()
    {
        // Arrange: the SDK's activity context has no token; the registration passes the host's stopping one.
        using var stopping = new CancellationTokenSource();
        using var services = new ServiceCollection().AddTransient<TokenProbe>().BuildServiceProvider();
        var activity = new DurableSdk.SdkActivity(new ActivityAdapter<TokenProbe, int, bool>(services), stopping.Token);
        await stopping.CancelAsync();

        // Act
        var seen = await activity.RunAsync(new SdkContext(), 1);

        // Assert
        Assert.Equal(true, seen);
    }

    private sealed class SdkContext : Microsoft.DurableTask.TaskActivityContext
    {
        public override Microsoft.DurableTask.TaskName Name => nameof(TokenProbe);

        public override string InstanceId => "i";
    }

    private sealed class TokenProbe : IActivity<int, bool>
    {
        public Task<bool> RunAsync(int input, CancellationToken cancellationToken = default) =>
            Task.FromResult(cancellationToken.IsCancellationRequested);
    }

    private sealed class Context(CancellationToken cancellationToken) : TaskActivityContext
    {
        public override TaskName Name => nameof(TokenProbe);

        public override string InstanceId => "i";

        public override CancellationToken CancellationToken => cancellationToken;
    }
}
