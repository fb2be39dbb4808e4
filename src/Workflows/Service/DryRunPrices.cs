namespace Orchestration.Workflows.Service;

/// <summary>The prices a cost estimate uses: the deployment's, as the aggregate prices actual cost.</summary>
/// <param name="VcpuSecondUsd">US dollars per vCPU-second.</param>
/// <param name="GibSecondUsd">US dollars per GiB-second.</param>
public sealed record DryRunPrices(decimal VcpuSecondUsd, decimal GibSecondUsd);
