namespace Orchestration.Activities.Contracts;

/// <summary>One chunk of a rejudge: runs <paramref name="FirstRun"/> to <paramref name="FirstRun"/> + <paramref name="Count"/> - 1 of one task.</summary>
/// <param name="BatchId">The batch id.</param>
/// <param name="Nonce">The submission nonce.</param>
/// <param name="Version">The aggregate version the rejudge makes.</param>
/// <param name="Chunk">The chunk's number (names its judgements object).</param>
/// <param name="TaskOrdinal">The task.</param>
/// <param name="FirstRun">The first run index.</param>
/// <param name="Count">How many runs.</param>
public sealed record RejudgeChunkInput(string BatchId, string Nonce, int Version, int Chunk, int TaskOrdinal, int FirstRun, int Count);
