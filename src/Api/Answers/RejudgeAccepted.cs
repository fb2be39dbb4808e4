namespace Orchestration.Api;

/// <summary>The 202 of <c>POST /api/batches/{id}/rejudge</c>.</summary>
/// <param name="Id">The batch id.</param>
/// <param name="Version">The results version the rejudge writes.</param>
/// <param name="ResultsUri">Where that version will be.</param>
/// <param name="Status">What it does meanwhile (<c>rejudging</c>).</param>
internal sealed record RejudgeAccepted(string Id, int Version, string ResultsUri, string Status);
