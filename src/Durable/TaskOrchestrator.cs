namespace Orchestration.Durable;

/// <summary>Base class of a typed orchestrator; registered under its class name (use <c>nameof</c>).</summary>
/// <typeparam name="TInput">The input record.</typeparam>
/// <typeparam name="TOutput">The output record.</typeparam>
/// <remarks>Deterministic code only: no I/O, wall clock, <see cref="Guid.NewGuid"/>, <see cref="Task.Delay(int)"/>
/// or randomness; everything comes from the context.</remarks>
public abstract class TaskOrchestrator<TInput, TOutput> : ITaskOrchestrator
{
    /// <inheritdoc/>
    public Type InputType => typeof(TInput);

    /// <inheritdoc/>
    public Type OutputType => typeof(TOutput);

    /// <summary>Runs the orchestrator.</summary>
    /// <param name="context">The orchestration context.</param>
    /// <param name="input">The input.</param>
    /// <returns>The output.</returns>
    public abstract Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input);

    /// <inheritdoc/>
    async Task<object?> ITaskOrchestrator.RunAsync(TaskOrchestrationContext context, object? input)
        => await RunAsync(context, input is null ? default! : (TInput)input);
}
