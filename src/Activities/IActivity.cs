namespace Orchestration.Activities;

/// <summary>One activity: a small class wrapping one step behind ports the project owns.</summary>
/// <remarks>Hosts adapt it to their durable runtime (the embedded engine's task activity, or an Azure
/// Functions activity trigger) in one line. Activities run at least once: every implementation must be
/// safe to repeat with the same input.</remarks>
/// <typeparam name="TInput">The input record.</typeparam>
/// <typeparam name="TOutput">The output record.</typeparam>
public interface IActivity<in TInput, TOutput>
{
    /// <summary>Runs the step.</summary>
    /// <param name="input">The input.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    /// <returns>The output.</returns>
    Task<TOutput> RunAsync(TInput input, CancellationToken cancellationToken = default);
}
