namespace Orchestration.Domain.Aggregation;

/// <summary>What a task or batch cost.</summary>
/// <param name="VcpuSeconds">Cloud Run vCPU-seconds.</param>
/// <param name="GibSeconds">Cloud Run GiB-seconds.</param>
/// <param name="CloudRunUsd">vCPU-seconds and GiB-seconds priced by settings.</param>
/// <param name="ClaudeUsd">Claude's reported cost.</param>
/// <param name="TotalUsd">The sum of both.</param>
public sealed record CostSummary(decimal VcpuSeconds, decimal GibSeconds, decimal CloudRunUsd, decimal ClaudeUsd, decimal TotalUsd);
