namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary>spec.json refused, with runner-lib.js's wording.</summary>
public sealed class NativeSpecException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NativeSpecException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The refusal.</param>
    public NativeSpecException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The refusal.</param>
    /// <param name="innerException">The cause.</param>
    public NativeSpecException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
