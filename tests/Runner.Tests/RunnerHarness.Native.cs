using System.Collections;
using System.Diagnostics;
using Orchestration.Adapters.LocalRunner.Native;

namespace Orchestration.Runner.Tests;

/// <summary>The native driver: <see cref="NativeExecutor.RunAsync"/> in this process, with the environment
/// runner.sh would get and the harness bucket folder as its object store.</summary>
public sealed partial class RunnerHarness
{
    /// <summary>The state folder of one execution of this harness: its own per execution, so two executions of one
    /// attempt (the duplicate-claim case) keep separate journals, as two Cloud Run executions keep separate disks.</summary>
    public string NativeStateFolder(string execution) =>
        Path.Combine(Root, "native-state", execution[(execution.LastIndexOf('/') + 1)..]);

    private async Task<RunnerOutcome> RunNativeAsync(
        TimeSpan limit, Func<RunnerHandle, Task>? whileRunning, IReadOnlyDictionary<string, string?>? overrides)
    {
        var environment = NativeEnvironment(overrides);
        var request = new NativeExecutionRequest(environment, GcsRoot, NativeStateFolder(environment["CLOUD_RUN_EXECUTION"]));
        var logger = new CollectingLogger();
        using var terminate = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();
        var run = Task.Run(() => NativeExecutor.RunAsync(request, logger, terminate.Token, CancellationToken.None));
        try
        {
            if (whileRunning is not null)
            {
                // An executor that fails early fails the test with its own error, not with what the test waited for.
                var acting = whileRunning(new RunnerHandle(terminate.CancelAsync, null));
                if (await Task.WhenAny(acting, run) == run && run.IsFaulted)
                {
                    await run;
                }

                await acting;
            }

            var exitCode = await run.WaitAsync(limit);
            watch.Stop();
            return new RunnerOutcome(exitCode, string.Empty, logger.Text, watch.Elapsed);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the native executor did not end within {limit}: {logger.Text}");
        }
        finally
        {
            // A test that failed or gave up while the executor runs: stop its work as a cancel would.
            if (!run.IsCompleted)
            {
                await terminate.CancelAsync();
            }
        }
    }

    /// <summary>What runner.sh would get: this process's environment with the harness changes and
    /// <paramref name="overrides"/> applied (null removes a variable).</summary>
    private Dictionary<string, string> NativeEnvironment(IReadOnlyDictionary<string, string?>? overrides)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = (string?)entry.Value ?? string.Empty;
        }

        foreach (var (key, value) in ChangesWith(overrides))
        {
            if (value is null)
            {
                environment.Remove(key);
            }
            else
            {
                environment[key] = value;
            }
        }

        return environment;
    }
}
