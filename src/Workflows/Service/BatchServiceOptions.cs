using Orchestration.Domain;
using Orchestration.Domain.Validation;

namespace Orchestration.Workflows.Service;

/// <summary>What the batch service enforces and applies at submit.</summary>
public sealed class BatchServiceOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Orchestration:Batches";

    /// <summary>Limits of a batch document.</summary>
    public BatchLimits Limits { get; set; } = new();

    /// <summary>Defaults applied to tasks.</summary>
    public BatchDefaults Defaults { get; set; } = new();

    /// <summary>Orchestrator settings captured into each new batch.</summary>
    public WorkflowSettings Workflow { get; set; } = WorkflowSettings.Cloud;

    /// <summary>Largest uncompressed input bundle accepted by <c>PUT /api/inputs</c>, in bytes.</summary>
    public long MaxBundleBytes { get; set; } = 2L * 1024 * 1024 * 1024;
}
