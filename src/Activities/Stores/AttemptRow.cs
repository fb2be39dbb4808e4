namespace Orchestration.Activities.Stores;

/// <summary>One attempt of a run.</summary>
/// <param name="Attempt">k, from 1.</param>
/// <param name="Execution">The execution it started, if any.</param>
/// <param name="Result">What became of it: passed, failed, errored, timedOut, cancelled, or a failure such as "no claim".</param>
/// <param name="Reason">Details, if any.</param>
/// <param name="VcpuSeconds">vCPU-seconds the attempt used.</param>
/// <param name="GibSeconds">GiB-seconds the attempt used.</param>
/// <param name="ClaudeCostUsd">Claude's reported cost of the attempt.</param>
public sealed record AttemptRow(int Attempt, string? Execution, string Result, string? Reason, decimal VcpuSeconds = 0, decimal GibSeconds = 0, decimal? ClaudeCostUsd = null);
