namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary>A storage call of the native executor failed, worded as gcloud words it.</summary>
public sealed class NativeStorageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NativeStorageException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">gcloud's wording.</param>
    public NativeStorageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">gcloud's wording.</param>
    /// <param name="innerException">The cause.</param>
    public NativeStorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">gcloud's wording.</param>
    /// <param name="preconditionFailed">The object exists (HTTP 412).</param>
    public NativeStorageException(string message, bool preconditionFailed)
        : base(message) => PreconditionFailed = preconditionFailed;

    /// <summary>True for a failed create-if-absent: the object exists.</summary>
    public bool PreconditionFailed { get; }
}
