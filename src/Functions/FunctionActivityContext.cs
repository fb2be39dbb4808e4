using Microsoft.Azure.Functions.Worker;
using Orchestration.Durable;

namespace Orchestration.Functions;

/// <summary>The seam's activity context for one activity invocation.</summary>
/// <param name="name">The activity name.</param>
/// <param name="context">The invocation; the Durable extension puts the orchestration's instance id in its binding data.</param>
internal sealed class FunctionActivityContext(string name, FunctionContext context) : TaskActivityContext
{
    public override TaskName Name { get; } = name;

    public override string InstanceId { get; } =
        context.BindingContext.BindingData.TryGetValue("instanceId", out var id) ? id?.ToString() ?? string.Empty : string.Empty;

    // The worker signals it when the invocation is cancelled, e.g. the Functions host shutting down.
    public override CancellationToken CancellationToken { get; } = context.CancellationToken;
}
