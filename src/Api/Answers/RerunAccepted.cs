namespace Orchestration.Api;

/// <summary>The 202 of <c>POST /api/batches/{id}/rerun</c>.</summary>
/// <param name="Id">The batch id.</param>
/// <param name="Version">The results version the rerun writes.</param>
/// <param name="Runs">Runs run again.</param>
/// <param name="ResultsUri">Where that version will be.</param>
/// <param name="StatusUri">The batch's status document.</param>
/// <param name="Status">What it does meanwhile (<c>running</c>).</param>
internal sealed record RerunAccepted(string Id, int Version, int Runs, string ResultsUri, string StatusUri, string Status);
