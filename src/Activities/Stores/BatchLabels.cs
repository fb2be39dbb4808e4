using System.Text.Json;
using Orchestration.Domain;

namespace Orchestration.Activities.Stores;

/// <summary>A batch's labels, read from its canonical document (a root <c>labels</c> object of strings) or from the
/// labels JSON a store keeps beside it for listings.</summary>
public static class BatchLabels
{
    /// <summary>The labels of a stored batch: those the listing read, else those of its document.</summary>
    /// <param name="batch">The stored batch.</param>
    /// <returns>The labels, sorted by name; empty when it has none.</returns>
    public static IReadOnlyDictionary<string, string> Of(StoredBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.Labels ?? OfDocument(batch.Document);
    }

    /// <summary>Labels from their JSON object text (null or empty text: none).</summary>
    /// <param name="json">The JSON object.</param>
    /// <returns>The labels.</returns>
    public static IReadOnlyDictionary<string, string> Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return Empty;
        }

        using var document = JsonDocument.Parse(json);
        return Read(document.RootElement);
    }

    /// <summary>The labels of a document as compact JSON text (what a store keeps for listings).</summary>
    /// <param name="document">The canonical batch document.</param>
    /// <returns>The JSON object text.</returns>
    public static string Json(ReadOnlyMemory<byte> document) => JsonSerializer.Serialize(OfDocument(document), ActivitiesJson.Plain.Info<IReadOnlyDictionary<string, string>>());

    private static readonly IReadOnlyDictionary<string, string> Empty = new SortedDictionary<string, string>(StringComparer.Ordinal);

    private static IReadOnlyDictionary<string, string> OfDocument(ReadOnlyMemory<byte> document)
    {
        if (document.IsEmpty)
        {
            return Empty;
        }

        using var parsed = JsonDocument.Parse(document);
        return parsed.RootElement.ValueKind == JsonValueKind.Object && parsed.RootElement.TryGetProperty("labels", out var map) ? Read(map) : Empty;
    }

    private static SortedDictionary<string, string> Read(JsonElement map)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (map.ValueKind == JsonValueKind.Object)
        {
            foreach (var label in map.EnumerateObject().Where(l => l.Value.ValueKind == JsonValueKind.String))
            {
                labels[label.Name] = label.Value.GetString()!;
            }
        }

        return labels;
    }
}
