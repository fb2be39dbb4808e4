namespace Orchestration.Durable;

/// <summary>The name of an orchestrator or activity, as Durable Task's <c>TaskName</c>.</summary>
/// <remarks>Converts implicitly from <see cref="string"/> so callers write <c>nameof(MyActivity)</c>.
/// Names compare case-insensitively, as Durable Task resolves them.</remarks>
/// <param name="name">The name.</param>
public readonly struct TaskName(string name) : IEquatable<TaskName>
{
    /// <summary>The name.</summary>
    public string Name { get; } = name ?? throw new ArgumentNullException(nameof(name));

    /// <summary>Converts a string to a task name.</summary>
    /// <param name="name">The name.</param>
    public static implicit operator TaskName(string name) => new(name);

    /// <summary>Converts a task name to its string.</summary>
    /// <param name="name">The task name.</param>
    public static implicit operator string(TaskName name) => name.Name;

    /// <summary>Equality, ignoring case.</summary>
    /// <param name="left">Left side.</param>
    /// <param name="right">Right side.</param>
    public static bool operator ==(TaskName left, TaskName right) => left.Equals(right);

    /// <summary>Inequality, ignoring case.</summary>
    /// <param name="left">Left side.</param>
    /// <param name="right">Right side.</param>
    public static bool operator !=(TaskName left, TaskName right) => !left.Equals(right);

    /// <summary>Creates a task name from a string.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The task name.</returns>
    public static TaskName FromString(string name) => new(name);

    /// <inheritdoc/>
    public bool Equals(TaskName other) => string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TaskName other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Name ?? string.Empty);

    /// <inheritdoc/>
    public override string ToString() => Name ?? string.Empty;
}
