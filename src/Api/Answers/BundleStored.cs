namespace Orchestration.Api;

/// <summary>The 201 of <c>PUT /api/inputs/{sha256}</c>.</summary>
/// <param name="Bundle">The bundle's SHA-256.</param>
internal sealed record BundleStored(string Bundle);
