namespace Orchestration.Fakes;

/// <summary>Faults a loopback fake injects, decided per request by a seeded random (repeatable runs).</summary>
/// <remarks>Mutable on purpose: a test can switch faults on and off while a fake runs.</remarks>
public sealed class FaultSettings
{
    /// <summary>Seed of the fault decisions.</summary>
    public int Seed { get; set; } = 12345;

    /// <summary>Fraction of requests answered 429 RESOURCE_EXHAUSTED before doing anything.</summary>
    public double ThrottleFraction { get; set; }

    /// <summary>Fraction of requests answered 503 UNAVAILABLE before doing anything.</summary>
    public double UnavailableFraction { get; set; }

    /// <summary>Fraction of requests that hang (no answer) until the client gives up.</summary>
    public double HangFraction { get; set; }

    /// <summary>Fraction of requests answered only after <see cref="SlowDelay"/>.</summary>
    public double SlowFraction { get; set; }

    /// <summary>Delay of slow answers.</summary>
    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Retry-After seconds put on 429 and 503 answers, or null for none.</summary>
    public int? RetryAfterSeconds { get; set; }

    /// <summary>Awaited before serving each request the faults apply to, after it was counted and before the
    /// other faults are rolled (e.g. <see cref="ArrivalGate.ArriveAsync"/> to hold requests until they overlap); null for none.</summary>
    public Func<string, CancellationToken, Task>? Hold { get; set; }

    /// <summary>Answer 404 NOT_FOUND to every request the faults apply to, after <see cref="Hold"/>: what a lookup that
    /// ran before a concurrent create answers, made certain rather than left to scheduling.</summary>
    public bool AnswerNotFound { get; set; }

    /// <summary>Which endpoints (e.g. <c>jobs.run</c>, <c>objects.insert</c>) the faults apply to; null = all.</summary>
    public Func<string, bool>? AppliesTo { get; set; }

    /// <summary>Switches every fault off.</summary>
    public void Clear()
    {
        ThrottleFraction = 0;
        UnavailableFraction = 0;
        HangFraction = 0;
        SlowFraction = 0;
        Hold = null;
        AnswerNotFound = false;
    }
}
