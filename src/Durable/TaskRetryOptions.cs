namespace Orchestration.Durable;

/// <summary>Retry options of a task, as Durable Task's <c>TaskRetryOptions</c>; converts implicitly from a
/// <see cref="Durable.RetryPolicy"/>.</summary>
/// <param name="policy">The declarative policy.</param>
public sealed class TaskRetryOptions(RetryPolicy policy)
{
    /// <summary>The declarative policy.</summary>
    public RetryPolicy Policy { get; } = policy ?? throw new ArgumentNullException(nameof(policy));

    /// <summary>Wraps a retry policy.</summary>
    /// <param name="policy">The policy.</param>
    public static implicit operator TaskRetryOptions(RetryPolicy policy) => new(policy);

    /// <summary>Wraps a retry policy.</summary>
    /// <param name="policy">The policy.</param>
    /// <returns>The retry options.</returns>
    public static TaskRetryOptions FromRetryPolicy(RetryPolicy policy) => new(policy);
}
