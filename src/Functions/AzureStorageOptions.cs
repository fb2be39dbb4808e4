using System.ComponentModel.DataAnnotations;

namespace Orchestration.Functions;

/// <summary>Where the Azure stores live (tables <c>batches</c> and <c>runs</c>, containers for aggregates and
/// documents), under <see cref="Section"/>.</summary>
/// <remarks>Either a connection string (local development: <c>UseDevelopmentStorage=true</c>) or the service
/// URIs, reached with the Function App's managed identity.</remarks>
public sealed class AzureStorageOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Orchestration:AzureStorage";

    /// <summary>A storage connection string; when set, the URIs are ignored.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The blob service URI (identity-based access).</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>The table service URI (identity-based access).</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>The queue service URI (identity-based access; the poison queue for rejected submissions).</summary>
    public Uri? QueueServiceUri { get; set; }

    /// <summary>Client id of a user-assigned identity; null for the system-assigned one.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>The batch store's table.</summary>
    [Required]
    public string BatchesTable { get; set; } = "batches";

    /// <summary>The result store's table.</summary>
    [Required]
    public string RunsTable { get; set; } = "runs";

    /// <summary>The container of aggregates (<c>{batchId}.json</c>).</summary>
    [Required]
    public string AggregatesContainer { get; set; } = "aggregates";

    /// <summary>The container of large batch documents and queued submissions past the message limit.</summary>
    [Required]
    public string DocumentsContainer { get; set; } = "documents";

    /// <summary>Whether the tables and containers are created at start when missing (infra creates them in Azure).</summary>
    public bool CreateIfMissing { get; set; } = true;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString) && (BlobServiceUri is null || TableServiceUri is null || QueueServiceUri is null))
        {
            yield return new ValidationResult(
                $"{Section}: set ConnectionString, or BlobServiceUri, TableServiceUri and QueueServiceUri.",
                [nameof(ConnectionString)]);
        }
    }
}
