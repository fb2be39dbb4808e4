using Real = Microsoft.DurableTask;
using Seam = Orchestration.Durable;

namespace Orchestration.DurableSdk;

/// <summary>A seam orchestrator run by the Durable Task SDK's worker, through <see cref="DurableContextAdapter"/>.</summary>
/// <param name="inner">The orchestrator written against the seam.</param>
public sealed class SdkOrchestrator(Seam.ITaskOrchestrator inner) : Real.ITaskOrchestrator
{
    /// <inheritdoc/>
    public Type InputType => inner.InputType;

    /// <inheritdoc/>
    public Type OutputType => inner.OutputType;

    /// <inheritdoc/>
    public Task<object?> RunAsync(Real.TaskOrchestrationContext context, object? input) =>
        inner.RunAsync(new DurableContextAdapter(context), input);
}
