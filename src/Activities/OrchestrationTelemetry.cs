using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Orchestration.Activities;

/// <summary>The product's trace source and meter (both named <see cref="Name"/>), for hosts that wire
/// OpenTelemetry: a span per activity execution, and counters of submissions, started executions and
/// collected attempts.</summary>
/// <remarks>Counters follow the activities, which run at least once: after a crash an attempt may be
/// counted twice here. The aggregate, not a metric, is the count a user trusts. Tags carry outcomes only,
/// never ids of user content, prompts or commands.</remarks>
public static class OrchestrationTelemetry
{
    /// <summary>The name of the activity source and the meter.</summary>
    public const string Name = "Orchestration";

    private static readonly Meter Meter = new(Name);

    /// <summary>Spans around activity executions.</summary>
    public static ActivitySource Source { get; } = new(Name);

    /// <summary>Batches newly accepted (a resubmission of the same batch is not counted).</summary>
    public static Counter<long> BatchesSubmitted { get; } = Meter.CreateCounter<long>("orchestration.batches.submitted", "{batch}", "Batches newly accepted.");

    /// <summary>Executions started (Cloud Run <c>:run</c> or a local process).</summary>
    public static Counter<long> ExecutionsStarted { get; } = Meter.CreateCounter<long>("orchestration.executions.started", "{execution}", "Executions started.");

    /// <summary>Attempts collected and judged, tagged <c>outcome</c>.</summary>
    public static Counter<long> AttemptsCollected { get; } = Meter.CreateCounter<long>("orchestration.attempts.collected", "{attempt}", "Attempts collected and judged, by outcome.");
}
