namespace Orchestration.Domain.Aggregation;

/// <summary>Prices and the confidence level used by aggregation.</summary>
/// <remarks>Defaults are Cloud Run jobs' tier-1 list prices (instance-based billing); set the
/// region's prices in settings, since cost is only as right as these numbers.</remarks>
public sealed record AggregationOptions
{
    /// <summary>The defaults.</summary>
    public static AggregationOptions Default { get; } = new();

    /// <summary>US dollars per vCPU-second.</summary>
    public decimal VcpuSecondUsd { get; init; } = 0.000018m;

    /// <summary>US dollars per GiB-second.</summary>
    public decimal GibSecondUsd { get; init; } = 0.000002m;

    /// <summary>The normal quantile of the Wilson intervals: 1.959964 for 95%.</summary>
    public double WilsonZ { get; init; } = 1.959963984540054;

    /// <summary>Decimal places kept in rates and cost, so the aggregate reads cleanly.</summary>
    public int Decimals { get; init; } = 6;
}
