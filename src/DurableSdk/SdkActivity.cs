using Real = Microsoft.DurableTask;
using Seam = Orchestration.Durable;

namespace Orchestration.DurableSdk;

/// <summary>A seam activity run by the Durable Task SDK's worker.</summary>
/// <param name="inner">The activity written against the seam.</param>
/// <param name="stopping">What the activity sees as its cancellation token: the SDK's
/// <c>TaskActivityContext</c> carries none (1.28), so the registration passes the host's
/// <c>IHostApplicationLifetime.ApplicationStopping</c>.</param>
public sealed class SdkActivity(Seam.ITaskActivity inner, CancellationToken stopping = default) : Real.ITaskActivity
{
    /// <inheritdoc/>
    public Type InputType => inner.InputType;

    /// <inheritdoc/>
    public Type OutputType => inner.OutputType;

    /// <inheritdoc/>
    public Task<object?> RunAsync(Real.TaskActivityContext context, object? input)
    {
        ArgumentNullException.ThrowIfNull(context);
        return inner.RunAsync(new SdkActivityContext(context.Name.Name, context.InstanceId, stopping), input);
    }

    private sealed class SdkActivityContext(string name, string instanceId, CancellationToken stopping) : Seam.TaskActivityContext
    {
        public override Seam.TaskName Name { get; } = name;

        public override string InstanceId { get; } = instanceId;

        public override CancellationToken CancellationToken => stopping;
    }
}
