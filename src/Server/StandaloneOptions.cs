using System.ComponentModel.DataAnnotations;

namespace Orchestration.Server;

/// <summary>Settings of the standalone host (section <c>Standalone</c>; environment form <c>Standalone__Key</c>).</summary>
public sealed class StandaloneOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Standalone";

    /// <summary>The runner script each local execution runs; found by walking up from the executable
    /// (then the current folder) to <c>runner/runner.sh</c> when not set.</summary>
    public string? RunnerScript { get; set; }

    /// <summary>How often the orphan reaper cancels executions nothing will poll again.</summary>
    public TimeSpan ReaperInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ReaperInterval <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Must be positive.", [nameof(ReaperInterval)]);
        }

        if (RunnerScript is { Length: > 0 } script && !File.Exists(script))
        {
            yield return new ValidationResult($"{script} does not exist.", [nameof(RunnerScript)]);
        }
    }
}
