namespace Orchestration.Runner.Tests;

/// <summary>How a runner process ended.</summary>
/// <param name="ExitCode">The runner's exit status.</param>
/// <param name="Stdout">What it printed (its own log, not the work's).</param>
/// <param name="Stderr">Its own messages.</param>
/// <param name="Elapsed">Wall time from start to exit.</param>
public sealed record RunnerOutcome(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed);
