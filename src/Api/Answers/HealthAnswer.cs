namespace Orchestration.Api;

/// <summary>The answer of <c>GET /api/health</c>.</summary>
/// <param name="Status">Always <c>ok</c>.</param>
internal sealed record HealthAnswer(string Status);
