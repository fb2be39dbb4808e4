namespace Orchestration.Activities.Contracts;

/// <summary>Writes a rejudge's aggregate version from its chunks' judgements.</summary>
/// <param name="BatchId">The batch id.</param>
/// <param name="Nonce">The submission nonce.</param>
/// <param name="Version">The version.</param>
/// <param name="Chunks">How many chunks there were (numbered from 0).</param>
public sealed record PersistRejudgeInput(string BatchId, string Nonce, int Version, int Chunks);
