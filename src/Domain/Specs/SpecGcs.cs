namespace Orchestration.Domain.Specs;

/// <summary>A GCS input pinned to generations.</summary>
/// <param name="Uri">The <c>gs://bucket/object</c> or <c>gs://bucket/prefix/</c>.</param>
/// <param name="Generation">The object's generation (single objects); null for a prefix.</param>
public sealed record SpecGcs(string Uri, string? Generation);
