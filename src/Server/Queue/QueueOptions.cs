using System.ComponentModel.DataAnnotations;

namespace Orchestration.Server.Queue;

/// <summary>The standalone server's queue reader (section <c>Standalone:Queue</c>; environment form
/// <c>Standalone__Queue__Key</c>). Off unless <see cref="ConnectionString"/> is set.</summary>
public sealed class QueueOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Standalone:Queue";

    /// <summary>The Azure Storage connection string of the account holding <c>batch-submissions</c>
    /// (Azurite's works); referenced documents are read from the same account.</summary>
    [Required]
    public string ConnectionString { get; set; } = "";

    /// <summary>How long to wait after finding the queue empty (or unreachable) before asking again.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a received message stays hidden; a message whose handling failed or was cut short
    /// by a crash is delivered again after it.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Messages received per request (the service allows 1 to 32).</summary>
    [Range(1, 32)]
    public int BatchSize { get; set; } = 16;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PollInterval <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Must be positive.", [nameof(PollInterval)]);
        }

        // The service counts visibility in whole seconds, from 1 second to 7 days.
        if (VisibilityTimeout < TimeSpan.FromSeconds(1) || VisibilityTimeout > TimeSpan.FromDays(7) || VisibilityTimeout.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            yield return new ValidationResult("Must be whole seconds from 00:00:01 to 7.00:00:00.", [nameof(VisibilityTimeout)]);
        }
    }
}
