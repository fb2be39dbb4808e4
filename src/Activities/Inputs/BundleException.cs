namespace Orchestration.Activities.Inputs;

/// <summary>A bundle cannot be built or accepted (a link, an escaping path, a hash mismatch, too large).</summary>
public sealed class BundleException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BundleException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, for the user.</param>
    public BundleException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, for the user.</param>
    /// <param name="innerException">The cause.</param>
    public BundleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
