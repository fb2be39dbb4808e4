using System.Text.Json.Serialization;

namespace Orchestration.Domain.Documents;

/// <summary>The batch document as a client writes it (request body, queue message or <c>run FILE</c>).</summary>
/// <remarks>Every field is optional here so that validation can report every problem at once;
/// <c>BatchNormalizer</c> turns a valid document into a <see cref="Batch"/>.</remarks>
public sealed record BatchDocument
{
    /// <summary>The JSON Schema an editor checks the file against (<c>docs/batch.schema.json</c>); ignored by the service.</summary>
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    /// <summary>The batch id; derived from an idempotency key or generated when omitted.</summary>
    public string? Id { get; init; }

    /// <summary>Free-form labels copied into results.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Where to post the completion notice.</summary>
    public WebhookDocument? Webhook { get; init; }

    /// <summary>Upper bound of runs in flight at once.</summary>
    public int? MaxParallelRuns { get; init; }

    /// <summary>The most the batch may cost in USD: once the next run could take the cost past it, no more runs start.</summary>
    public decimal? MaxCostUsd { get; init; }

    /// <summary>Values applied to every task that does not set them (any task field but <c>id</c>).</summary>
    public TaskDocument? Defaults { get; init; }

    /// <summary>The tasks, each run <c>n</c> times.</summary>
    public IReadOnlyList<TaskDocument>? Tasks { get; init; }
}
