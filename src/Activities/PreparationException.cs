namespace Orchestration.Activities;

/// <summary>A batch cannot be prepared for a reason retrying will not fix (a missing bundle, a ref that
/// does not exist, a path outside its root); the batch fails with this message.</summary>
public sealed class PreparationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PreparationException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, for the user.</param>
    public PreparationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, for the user.</param>
    /// <param name="innerException">The cause.</param>
    public PreparationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
