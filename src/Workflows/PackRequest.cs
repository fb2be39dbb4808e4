using Orchestration.Domain.Planning;

namespace Orchestration.Workflows;

/// <summary>A packed run's request to its chunk: start attempt <paramref name="Attempt"/> of <paramref name="Run"/>.</summary>
/// <param name="Run">The run.</param>
/// <param name="Attempt">The attempt.</param>
public sealed record PackRequest(RunRef Run, int Attempt);

/// <summary>The chunk's answer to a <see cref="PackRequest"/>: the execution and task that work the attempt, or why
/// none does.</summary>
/// <param name="Attempt">The attempt answered (a run never takes an answer meant for an earlier attempt).</param>
/// <param name="Execution">The pack's execution; null when it could not be started.</param>
/// <param name="TaskIndex">The attempt's task in it (its line of the manifest).</param>
/// <param name="PackId">The pack.</param>
/// <param name="Failure">Why the pack could not be started, when it could not.</param>
public sealed record PackStart(int Attempt, string? Execution, int TaskIndex, string PackId, string? Failure = null);
