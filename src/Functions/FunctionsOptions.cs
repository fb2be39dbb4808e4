using System.ComponentModel.DataAnnotations;

namespace Orchestration.Functions;

/// <summary>Settings of the Azure Functions host itself, under <see cref="Section"/>.</summary>
public sealed class FunctionsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Orchestration:Functions";

    /// <summary>Cloud Run jobs of this deployment unused for this many days are deleted by the orphan reaper
    /// (Cloud Run allows 1,000 jobs per region); null keeps them.</summary>
    [Range(1, 3650)]
    public int? DeleteJobsUnusedForDays { get; set; } = 30;
}
