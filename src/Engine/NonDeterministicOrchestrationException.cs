namespace Orchestration.Engine;

/// <summary>The orchestrator's code no longer matches its recorded history.</summary>
/// <remarks>The instance fails with this error (as Durable Task fails it), naming the action the history
/// expected and the one the code produced.</remarks>
public sealed class NonDeterministicOrchestrationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NonDeterministicOrchestrationException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What differs.</param>
    public NonDeterministicOrchestrationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What differs.</param>
    /// <param name="innerException">The cause.</param>
    public NonDeterministicOrchestrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
