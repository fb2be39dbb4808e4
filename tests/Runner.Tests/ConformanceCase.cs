namespace Orchestration.Runner.Tests;

/// <summary>One runner-contract case the conformance suite runs against both implementations.</summary>
/// <param name="Name">The case's name in the test list.</param>
/// <param name="ArrangeAsync">Writes spec.json, inputs and environment into a fresh harness; run once per implementation,
/// so it must build the same inputs every time.</param>
/// <param name="WhileRunning">What the test does to the running runner (e.g. SIGTERM), if anything.</param>
public sealed record ConformanceCase(
    string Name,
    Func<RunnerHarness, Task> ArrangeAsync,
    Func<RunnerHarness, RunnerHandle, Task>? WhileRunning = null)
{
    /// <summary>A case whose arrangement needs no awaiting.</summary>
    public static ConformanceCase Of(string name, Action<RunnerHarness> arrange, Func<RunnerHarness, RunnerHandle, Task>? whileRunning = null) =>
        new(name, harness =>
        {
            arrange(harness);
            return Task.CompletedTask;
        }, whileRunning);

    public override string ToString() => Name;
}
