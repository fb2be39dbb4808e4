using System.Collections.Concurrent;

namespace Orchestration.Server.Bench;

/// <summary>Thread-safe latency samples and error counts of one kind of request.</summary>
internal sealed class Latencies
{
    private readonly ConcurrentBag<double> _milliseconds = [];
    private readonly ConcurrentDictionary<string, int> _outcomes = new(StringComparer.Ordinal);

    public int Count => _milliseconds.Count;

    public IReadOnlyDictionary<string, int> Outcomes => _outcomes;

    public void Add(TimeSpan elapsed, string outcome)
    {
        _milliseconds.Add(elapsed.TotalMilliseconds);
        _outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
    }

    /// <summary>The nearest-rank percentile, in ms.</summary>
    public double Percentile(double p)
    {
        var sorted = _milliseconds.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public string Describe() => string.Join(", ", _outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}: {o.Value}"));
}
