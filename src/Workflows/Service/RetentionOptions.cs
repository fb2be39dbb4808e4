using System.ComponentModel.DataAnnotations;
using Orchestration.Domain.Validation;

namespace Orchestration.Workflows.Service;

/// <summary>Retention of finished batches (section <c>Orchestration:Retention</c>; environment form
/// <c>Orchestration__Retention__Days</c>). Off by default.</summary>
/// <remarks>Both hosts run <see cref="RetentionSweeper"/> on a timer when <see cref="Days"/> is set. The
/// bucket's lifecycle rule for <c>runs/</c> should match it (infra/), so objects and records go together.</remarks>
public sealed class RetentionOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Orchestration:Retention";

    /// <summary>Purge batches that finished more than this many days ago; null keeps every batch.</summary>
    [Range(1, 36500)]
    public int? Days { get; set; }

    /// <summary>How often the sweep runs.</summary>
    [TimeSpanRange("00:01:00", "7.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}
