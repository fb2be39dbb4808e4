using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using Orchestration.Domain;
using Orchestration.Domain.Validation;

namespace Orchestration.Workflows.Service;

/// <summary>What the batch service enforces and applies at submit.</summary>
/// <remarks>Validated at host start (<see cref="WorkflowCatalog.AddBatchService"/>, the Functions host): a
/// bad limit would otherwise surface as every submit being refused, or accepted past what the cloud carries.
/// Messages name the full configuration key (e.g. <c>Orchestration:Batches:Limits:MaxTasks</c>) because the
/// nested records bind from sub-sections.</remarks>
public sealed class BatchServiceOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Orchestration:Batches";

    // Not [ValidateObjectMembers]: Validate checks them itself, naming each failure by its whole configuration key.
#pragma warning disable SYSLIB1212

    /// <summary>Limits of a batch document.</summary>
    public BatchLimits Limits { get; set; } = new();

    /// <summary>Defaults applied to tasks.</summary>
    public BatchDefaults Defaults { get; set; } = new();
#pragma warning restore SYSLIB1212

    /// <summary>Orchestrator settings captured into each new batch.</summary>
    public WorkflowSettings Workflow { get; set; } = WorkflowSettings.Cloud;

    /// <summary>Largest uncompressed input bundle accepted by <c>PUT /api/inputs</c>, in bytes.</summary>
    public long MaxBundleBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var results = new List<ValidationResult>();
        if (MaxBundleBytes < 1)
        {
            results.Add(Problem(nameof(MaxBundleBytes), "must be positive."));
        }

        Nested(results, nameof(Limits), Limits);
        Nested(results, nameof(Defaults), Defaults);
        if (Defaults is not null && Limits is not null)
        {
            Check(results, Defaults.N <= Limits.MaxRunsPerTask, $"{nameof(Defaults)}:{nameof(BatchDefaults.N)}", $"must not exceed {nameof(Limits)}:{nameof(BatchLimits.MaxRunsPerTask)} ({Limits.MaxRunsPerTask}).");
            Check(results, Defaults.MaxAttempts <= Limits.MaxAttempts, $"{nameof(Defaults)}:{nameof(BatchDefaults.MaxAttempts)}", $"must not exceed {nameof(Limits)}:{nameof(BatchLimits.MaxAttempts)} ({Limits.MaxAttempts}).");
            Check(results, Defaults.TimeoutSeconds <= Limits.MaxTimeoutSeconds, $"{nameof(Defaults)}:{nameof(BatchDefaults.TimeoutSeconds)}", $"must not exceed {nameof(Limits)}:{nameof(BatchLimits.MaxTimeoutSeconds)} ({Limits.MaxTimeoutSeconds}).");
            Check(results, Defaults.MaxParallelRuns <= Limits.MaxParallelRuns, $"{nameof(Defaults)}:{nameof(BatchDefaults.MaxParallelRuns)}", $"must not exceed {nameof(Limits)}:{nameof(BatchLimits.MaxParallelRuns)} ({Limits.MaxParallelRuns}).");
        }

        if (Workflow is null)
        {
            results.Add(Problem(nameof(Workflow), "is required."));
        }
        else
        {
            const string workflow = nameof(Workflow);
            Check(results, Workflow.ChunkSize >= 1, $"{workflow}:{nameof(WorkflowSettings.ChunkSize)}", "must be at least 1.");
            Check(results, Workflow.FaultThreshold >= 1, $"{workflow}:{nameof(WorkflowSettings.FaultThreshold)}", "must be at least 1.");
            Check(results, Workflow.ActivityAttempts >= 1, $"{workflow}:{nameof(WorkflowSettings.ActivityAttempts)}", "must be at least 1.");
            Check(results, Workflow.PackSize is >= 1 and <= WorkflowSettings.MaxPackSize, $"{workflow}:{nameof(WorkflowSettings.PackSize)}", $"must be between 1 and {WorkflowSettings.MaxPackSize} (Cloud Run's most tasks per execution).");
            Check(results, Workflow.PackGatherSeconds is >= 0 and <= 300, $"{workflow}:{nameof(WorkflowSettings.PackGatherSeconds)}", "must be between 0 and 300.");
            foreach (var problem in Workflow.Polling?.Problems() ?? ["is required"])
            {
                // Problems() messages start with the setting's name, so the key reads whole: ...:Polling:FirstDelay must be ...
                var member = $"{workflow}:{nameof(WorkflowSettings.Polling)}";
                results.Add(new ValidationResult($"{Section}:{member}:{problem}.", [member]));
            }
        }

        return results;
    }

    // The nested settings' [Range] checks by DataAnnotations' reflection over their public properties, which are kept.
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(BatchLimits))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(BatchDefaults))]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Called with BatchLimits and BatchDefaults only, whose public properties (and their attributes) the DynamicDependency attributes keep; the context is built without a service provider or display name lookup beyond the type's name.")]
    private static void Nested(List<ValidationResult> results, string name, object? value)
    {
        if (value is null)
        {
            results.Add(Problem(name, "is required."));
            return;
        }

        var nested = new List<ValidationResult>();
        Validator.TryValidateObject(value, new ValidationContext(value), nested, validateAllProperties: true);
        foreach (var result in nested)
        {
            foreach (var member in result.MemberNames.DefaultIfEmpty(string.Empty))
            {
                results.Add(Problem(member.Length == 0 ? name : $"{name}:{member}", result.ErrorMessage ?? "is invalid."));
            }
        }
    }

    private static void Check(List<ValidationResult> results, bool condition, string member, string message)
    {
        if (!condition)
        {
            results.Add(Problem(member, message));
        }
    }

    private static ValidationResult Problem(string member, string message) =>
        new($"{Section}:{member} {message}", [member]);
}
