using System.Diagnostics.CodeAnalysis;

namespace Orchestration.Durable;

/// <summary>Details of a failed activity, sub-orchestration or orchestration, as Durable Task's
/// <c>TaskFailureDetails</c>.</summary>
/// <remarks>Failures cross the durable boundary as data, not as exceptions: the original exception
/// type survives only as its name in <paramref name="ErrorType"/>.</remarks>
/// <param name="ErrorType">Full name of the exception type.</param>
/// <param name="ErrorMessage">The exception message.</param>
/// <param name="StackTrace">The stack trace, when known.</param>
/// <param name="InnerFailure">The inner failure, when there was one.</param>
public sealed record TaskFailureDetails(string ErrorType, string ErrorMessage, string? StackTrace, TaskFailureDetails? InnerFailure)
{
    /// <summary>Whether the failure was caused by an exception of type <typeparamref name="T"/> or a subtype.</summary>
    /// <typeparam name="T">The exception type.</typeparam>
    /// <returns><see langword="true"/> when the recorded error type is <typeparamref name="T"/> or derives from it.</returns>
    /// <remarks>The type is resolved by name from loaded assemblies; an unknown name matches only by exact name.</remarks>
    [RequiresUnreferencedCode("Resolves the recorded exception type by name; a type trimming removed matches only by exact name.")]
    public bool IsCausedBy<T>() where T : Exception
    {
        if (string.Equals(ErrorType, typeof(T).FullName, StringComparison.Ordinal))
        {
            return true;
        }

        var type = ResolveType(ErrorType);
        return type is not null && typeof(T).IsAssignableFrom(type);
    }

    /// <summary>Builds failure details from an exception, recursing into inner exceptions.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The failure details.</returns>
    /// <remarks>A <see cref="TaskFailedException"/> keeps the failure of the task it reports as its inner failure,
    /// as Durable Task does when an orchestrator lets a task failure escape.</remarks>
    public static TaskFailureDetails FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var inner = exception switch
        {
            TaskFailedException failed => failed.FailureDetails,
            { InnerException: { } ie } => FromException(ie),
            _ => null,
        };
        return new TaskFailureDetails(exception.GetType().FullName ?? exception.GetType().Name, exception.Message, exception.StackTrace, inner);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{ErrorType}: {ErrorMessage}";

    [RequiresUnreferencedCode("Resolves a type by name.")]
    private static Type? ResolveType(string name)
    {
        var type = Type.GetType(name, throwOnError: false);
        if (type is not null)
        {
            return type;
        }

        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            type = assembly.GetType(name, throwOnError: false);
            if (type is not null)
            {
                return type;
            }
        }

        return null;
    }
}
