using Orchestration.Domain.Aggregation;

namespace Orchestration.Domain.Comparison;

/// <summary>One rate (pass rate, or one flag's rate) of A against B.</summary>
/// <param name="A">A's rate with its 95% Wilson interval; null when A judged nothing.</param>
/// <param name="B">B's rate with its 95% Wilson interval; null when B judged nothing.</param>
/// <param name="Difference">B minus A with its 95% Newcombe interval; null when either side judged nothing.</param>
/// <param name="PValue">Fisher's exact two-sided p-value; null when either side judged nothing.</param>
/// <param name="AdjustedPValue">The p-value after Holm's adjustment across the compared tasks (the overall row is one
/// test and keeps its own p-value).</param>
/// <param name="Verdict">"B higher", "A higher", or "no detectable difference at n=A/B" (runs judged in each).</param>
/// <param name="RunsNeeded">Runs per arm needed to detect the comparison's detectable difference at 80% power, two-sided
/// alpha 0.05, around the pooled rate (<see cref="SampleSize.ToDetect"/>); null when nothing was judged.</param>
public sealed record RateComparison(
    RateEstimate? A, RateEstimate? B, DifferenceInterval? Difference, double? PValue, double? AdjustedPValue, string Verdict, int? RunsNeeded);
