namespace Orchestration.Api;

/// <summary>The 202 of <c>GET /api/batches/{id}/results?version=</c> while that version is still being judged.</summary>
/// <param name="Id">The batch id.</param>
/// <param name="Version">The results version asked for.</param>
/// <param name="Status">What it waits for (<c>rejudging</c>).</param>
internal sealed record ResultsPending(string Id, int Version, string Status);
