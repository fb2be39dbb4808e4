using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Real = Microsoft.DurableTask;
using Seam = Orchestration.Durable;

namespace Orchestration.DurableSdk;

/// <summary>The SDK's orchestration context seen through the seam the orchestrators are written against:
/// one line per member, conversions in <see cref="DurableMapping"/>.</summary>
/// <param name="inner">The context the Durable Functions worker passed to the orchestrator function.</param>
public sealed class DurableContextAdapter(Real.TaskOrchestrationContext inner) : Seam.TaskOrchestrationContext
{
    /// <inheritdoc/>
    public override Seam.TaskName Name => inner.Name.Name;

    /// <inheritdoc/>
    public override string InstanceId => inner.InstanceId;

    /// <inheritdoc/>
    public override DateTime CurrentUtcDateTime => inner.CurrentUtcDateTime;

    /// <inheritdoc/>
    public override bool IsReplaying => inner.IsReplaying;

    // Unused: every replay-safe logger below comes from the SDK's context, which owns the real factory.
    /// <inheritdoc/>
    protected override ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;

    /// <inheritdoc/>
    public override T? GetInput<T>() where T : default => inner.GetInput<T>();

    /// <inheritdoc/>
    public override Task<TResult> CallActivityAsync<TResult>(Seam.TaskName name, object? input = null, Seam.TaskOptions? options = null) =>
        DurableMapping.Translate(inner.CallActivityAsync<TResult>(name.Name, input, DurableMapping.ToReal(options)));

    /// <inheritdoc/>
    public override Task<TResult> CallSubOrchestratorAsync<TResult>(Seam.TaskName orchestratorName, object? input = null, Seam.TaskOptions? options = null) =>
        DurableMapping.Translate(inner.CallSubOrchestratorAsync<TResult>(orchestratorName.Name, input, DurableMapping.ToReal(options)));

    /// <inheritdoc/>
    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken) => inner.CreateTimer(fireAt, cancellationToken);

    /// <inheritdoc/>
    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default) =>
        inner.WaitForExternalEvent<T>(eventName, cancellationToken);

    /// <inheritdoc/>
    public override void SendEvent(string instanceId, string eventName, object payload) => inner.SendEvent(instanceId, eventName, payload);

    /// <inheritdoc/>
    public override void SetCustomStatus(object? customStatus) => inner.SetCustomStatus(customStatus);

    /// <inheritdoc/>
    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true) => inner.ContinueAsNew(newInput, preserveUnprocessedEvents);

    /// <inheritdoc/>
    public override Guid NewGuid() => inner.NewGuid();

    /// <inheritdoc/>
    public override ILogger CreateReplaySafeLogger(string categoryName) => inner.CreateReplaySafeLogger(categoryName);

    /// <inheritdoc/>
    public override ILogger CreateReplaySafeLogger(Type type) => inner.CreateReplaySafeLogger(type);

    /// <inheritdoc/>
    public override ILogger CreateReplaySafeLogger<T>() => inner.CreateReplaySafeLogger<T>();
}
