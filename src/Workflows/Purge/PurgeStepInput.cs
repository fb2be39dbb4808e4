namespace Orchestration.Workflows.Purge;

/// <summary>The input of each purge step: the submission being purged.</summary>
/// <param name="BatchId">The batch id.</param>
/// <param name="Nonce">The submission's nonce.</param>
public sealed record PurgeStepInput(string BatchId, string Nonce);
