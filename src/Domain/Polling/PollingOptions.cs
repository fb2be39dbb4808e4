using Orchestration.Domain.Specs;

namespace Orchestration.Domain.Polling;

/// <summary>How a run orchestrator polls its execution, and how long it waits for it.</summary>
/// <remarks>
/// Delays grow geometrically to a cap, each shortened by a deterministic jitter of up to
/// <see cref="JitterFraction"/> so that runs started together do not poll together. Delays never
/// exceed <see cref="MaxDelay"/>, and stay non-decreasing below the cap when
/// (1 - <see cref="JitterFraction"/>) * <see cref="GrowthFactor"/> >= 1 (true for the defaults);
/// <see cref="Problems"/> checks it.
/// </remarks>
// Settable rather than init-only: hosts bind these from settings into an existing instance, which a native
// build's configuration binder does for settable members only.
public sealed record PollingOptions
{
    /// <summary>Cloud Run: 5 s growing x1.5 to 60 s; 10 minutes to claim; 2 minutes past the timeout.</summary>
    /// <remarks>A fresh instance on each read: hosts bind configuration into the instance they start from,
    /// and a shared one would carry one host's settings into every later reader in the process.</remarks>
    public static PollingOptions Cloud => new();

    /// <summary>The local runner: 500 ms growing x1.5 to 2 s; short graces.</summary>
    /// <remarks>A fresh instance on each read: hosts bind configuration into the instance they start from,
    /// and a shared one would carry one host's settings into every later reader in the process. The standalone host
    /// tells a run when its execution ends (the local runner sees it), and the run polls then: the polls are for the
    /// claim and for an end nobody told of (a host restarted meanwhile), so a quick command is not polled while it
    /// runs. Before the word was sent the first poll came after 25 ms, and a run of <c>true</c> on a busy machine was
    /// polled four or five times.</remarks>
    public static PollingOptions Local => new()
    {
        FirstDelay = TimeSpan.FromMilliseconds(500),
        MaxDelay = TimeSpan.FromSeconds(2),
        ExecutionCheckAfter = TimeSpan.FromSeconds(30),
        StartGrace = TimeSpan.FromSeconds(30),
        TimeoutGrace = TimeSpan.FromSeconds(10),
        ThrottleFirstDelay = TimeSpan.FromMilliseconds(100),
        ThrottleMaxDelay = TimeSpan.FromSeconds(2),
    };

    /// <summary>The delay before the first poll.</summary>
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Each delay is this many times the previous one, until <see cref="MaxDelay"/>.</summary>
    public double GrowthFactor { get; set; } = 1.5;

    /// <summary>The longest delay between polls.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Each delay is shortened by up to this fraction (0 to below 1), deterministically per run.</summary>
    public double JitterFraction { get; set; } = 0.1;

    /// <summary>While <c>result.json</c> is absent, GET the execution on every k-th poll.</summary>
    /// <remarks>Reading one object is cheaper than the Admin API, whose read quota is shared by all runs.</remarks>
    public int ExecutionCheckEvery { get; set; } = 3;

    /// <summary>Past this time since the start request, GET the execution on every poll while
    /// <c>result.json</c> is absent.</summary>
    /// <remarks>By then an execution that died without a result is the likely story; finding out at
    /// once saves a cap's worth of waiting per attempt.</remarks>
    public TimeSpan ExecutionCheckAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long after the start request the runner has to write its claim before the attempt
    /// counts as an infrastructure failure.</summary>
    public TimeSpan StartGrace { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long past claim time + the execution's limit (<see cref="AttemptLimits"/>) the runner has
    /// to upload its result before the run is cancelled and counted as timed out: polling lateness, clock skew.</summary>
    public TimeSpan TimeoutGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The setup and upload time an attempt has on top of its task's <c>timeoutSeconds</c>.</summary>
    /// <remarks>Hosts keep <see cref="AttemptTimeLimits.Default"/>, which spec.json and StartRun use as
    /// well; tests shrink it to reach the orchestrator's own deadline quickly.</remarks>
    public AttemptTimeLimits AttemptLimits { get; set; } = AttemptTimeLimits.Default;

    /// <summary>How many polls one orchestration episode makes before ContinueAsNew keeps history bounded.</summary>
    public int PollsPerEpisode { get; set; } = 50;

    /// <summary>The wait after the first throttled (429) start.</summary>
    public TimeSpan ThrottleFirstDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Each throttle wait is this many times the previous one, until <see cref="ThrottleMaxDelay"/>.</summary>
    public double ThrottleGrowthFactor { get; set; } = 2;

    /// <summary>The longest wait after a throttled start.</summary>
    public TimeSpan ThrottleMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Each throttle wait is shortened by up to this fraction; larger than the poll jitter
    /// because throttled runs retry together by construction.</summary>
    public double ThrottleJitterFraction { get; set; } = 0.5;

    /// <summary>What is wrong with these options, if anything.</summary>
    /// <returns>Plain messages naming the setting; empty when valid.</returns>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        Check(problems, FirstDelay > TimeSpan.Zero, "FirstDelay must be positive");
        Check(problems, MaxDelay >= FirstDelay, "MaxDelay must be at least FirstDelay");
        Check(problems, GrowthFactor >= 1, "GrowthFactor must be at least 1");
        Check(problems, JitterFraction is >= 0 and < 1, "JitterFraction must be in [0, 1)");
        Check(problems, (1 - JitterFraction) * GrowthFactor >= 1, "(1 - JitterFraction) * GrowthFactor must be at least 1, or delays can shrink");
        Check(problems, ExecutionCheckEvery >= 1, "ExecutionCheckEvery must be at least 1");
        Check(problems, StartGrace > TimeSpan.Zero && TimeoutGrace >= TimeSpan.Zero, "StartGrace must be positive and TimeoutGrace not negative");
        Check(problems, AttemptLimits is { SetupSeconds: >= 0, UploadMarginSeconds: >= 0 }, "AttemptLimits must not be negative");
        Check(problems, PollsPerEpisode >= 1, "PollsPerEpisode must be at least 1");
        Check(problems, ThrottleFirstDelay > TimeSpan.Zero && ThrottleMaxDelay >= ThrottleFirstDelay, "ThrottleMaxDelay must be at least a positive ThrottleFirstDelay");
        Check(problems, ThrottleGrowthFactor >= 1, "ThrottleGrowthFactor must be at least 1");
        Check(problems, ThrottleJitterFraction is >= 0 and < 1, "ThrottleJitterFraction must be in [0, 1)");
        return problems;
    }

    private static void Check(List<string> problems, bool condition, string message)
    {
        if (!condition)
        {
            problems.Add(message);
        }
    }
}
