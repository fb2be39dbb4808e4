namespace Orchestration.Activities.Contracts;

/// <summary>Start (or find the already started) execution of a pack: one Cloud Run execution whose task i works
/// the attempt of line i of the pack's manifest.</summary>
/// <param name="PackId">The pack id, unique in the batch (<c>c{chunk}-p{n}</c>); the same id always names the same entries.</param>
/// <param name="JobId">The job every entry runs on.</param>
/// <param name="TimeoutSeconds">The work's limit of every entry (packs group attempts of one timeout: Cloud Run's task
/// timeout is per execution).</param>
/// <param name="Entries">The attempts, in task-index order.</param>
public sealed record StartPackInput(string PackId, string JobId, int TimeoutSeconds, IReadOnlyList<PackEntry> Entries);

/// <summary>One line of a pack manifest.</summary>
/// <param name="Attempt">The attempt.</param>
/// <param name="SpecUri">Its task's spec.json.</param>
public sealed record PackEntry(RunAttempt Attempt, string SpecUri);
