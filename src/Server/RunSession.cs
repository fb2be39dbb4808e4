using System.Globalization;
using Microsoft.Extensions.Options;
using Orchestration.Adapters.LocalRunner;
using Orchestration.Domain.Documents;
using Orchestration.Domain.Validation;
using Orchestration.Workflows.Service;
using Spectre.Console;

namespace Orchestration.Server;

/// <summary><c>run FILE</c>: the engine in-process, the file submitted (or resumed), live progress, then the aggregate.</summary>
/// <remarks>The batch id is the file's own, or one derived from its name and content hash, so running the
/// same file again finds the same batch: the store returns it and the engine re-adopts its running executions.</remarks>
/// <param name="arguments">The parsed command line.</param>
public sealed partial class RunSession(RunArguments arguments)
{
    private readonly TextWriter _out = Console.Out;
    private readonly TextWriter _err = Console.Error;
    private int _interrupts;
    private TaskCompletionSource _interrupted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DataFolderLock? _lease;

    /// <summary>Runs the command.</summary>
    /// <returns>The exit code (<see cref="ExitCodes"/>).</returns>
    public async Task<int> RunAsync()
    {
        try
        {
            return await RunCoreAsync().ConfigureAwait(false);
        }
        finally
        {
            // After the host is stopped and disposed: a background host waiting for the folder starts only then.
            _lease?.Dispose();
        }
    }

    /// <summary>Lists the settings that failed validation (the ones a SectionValidator names, when there are any) and refuses.</summary>
    private async Task<int> RefuseSettingsAsync(OptionsValidationException ex)
    {
        await _err.WriteLineAsync("Invalid settings; nothing was started:").ConfigureAwait(false);
        var named = ex.Failures.Where(f => f.StartsWith(SectionValidator<object>.Marker, StringComparison.Ordinal)).ToList();
        foreach (var failure in named.Count > 0 ? named : ex.Failures)
        {
            await _err.WriteLineAsync($"  {failure}").ConfigureAwait(false);
        }

        return ExitCodes.Refused;
    }

    private async Task<int> RunCoreAsync()
    {
        if (!arguments.File.Exists)
        {
            await _err.WriteLineAsync($"{arguments.File.FullName}: no such file.").ConfigureAwait(false);
            return ExitCodes.Refused;
        }

        var content = await File.ReadAllBytesAsync(arguments.File.FullName).ConfigureAwait(false);
        using var host = BuildHost();
        BatchServiceOptions options;
        try
        {
            options = host.Services.GetRequiredService<IOptions<BatchServiceOptions>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            // Read before the host starts (the file is checked against its limits first): refused as at the start.
            return await RefuseSettingsAsync(ex).ConfigureAwait(false);
        }

        if (arguments.Parallel is { } parallel)
        {
            if (parallel < 1 || parallel > options.Limits.MaxParallelRuns)
            {
                await _err.WriteLineAsync($"--parallel {parallel}: must be between 1 and {options.Limits.MaxParallelRuns} (the limit of maxParallelRuns); nothing was started.").ConfigureAwait(false);
                return ExitCodes.Refused;
            }

            content = BatchFile.WithParallel(content, parallel);
        }

        var (document, id) = BatchFile.WithId(content, arguments.File.Name);
        var intake = BatchIntake.Read(document, options.Limits, options.Defaults, () => id);
        if (!intake.IsValid)
        {
            await _err.WriteLineAsync($"{arguments.File.Name} is not a valid batch; nothing was started:").ConfigureAwait(false);
            foreach (var problem in intake.Problems)
            {
                await _err.WriteLineAsync($"  {problem.Path}: {problem.Message}").ConfigureAwait(false);
            }

            return ExitCodes.Refused;
        }

        var claude = intake.Batch!.Tasks.Where(t => t.Kind == TaskKind.Claude).Select(t => t.Id).ToList();
        if (arguments.DryRun)
        {
            return await DryRunAsync(host, document, claude).ConfigureAwait(false);
        }

        if (claude.Count > 0 && !arguments.AllowLocalClaude)
        {
            await _err.WriteLineAsync(
                $"{arguments.File.Name} has Claude tasks ({string.Join(", ", claude)}). Running them on this machine gives Claude Code " +
                "this machine's files and network; nothing was started. Pass --allow-local-claude to run them here, or submit the file to a Cloud Run deployment.").ConfigureAwait(false);
            return ExitCodes.Refused;
        }

        var data = host.Services.GetRequiredService<DataFolder>();
        data.Create();
        _lease = await DataFolderLock.TakeAsync(data, "run", _err).ConfigureAwait(false);
        if (_lease is null)
        {
            return ExitCodes.Refused;
        }

        try
        {
            await host.StartAsync().ConfigureAwait(false);
        }
        catch (OptionsValidationException ex)
        {
            return await RefuseSettingsAsync(ex).ConfigureAwait(false);
        }

        Console.CancelKeyPress += OnCancelKeyPress;
        try
        {
            var service = host.Services.GetRequiredService<BatchService>();
            var started = arguments.Cancel
                ? await CancelAsync(service, intake.Batch.Id).ConfigureAwait(false)
                : await SubmitAsync(service, document, intake.Batch.TotalRuns, host.Services.GetRequiredService<ILogger<RunSession>>()).ConfigureAwait(false);
            return started ?? await WatchAsync(service, intake.Batch.Id, host.Services.GetRequiredService<ILogger<RunSession>>()).ConfigureAwait(false);
        }
        finally
        {
            Console.CancelKeyPress -= OnCancelKeyPress;
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await host.StopAsync(stop.Token).ConfigureAwait(false);
        }
    }

    private IHost BuildHost()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [HostDefaults.NoConfigReload], ContentRootPath = Environment.CurrentDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Path inputs are relative to the batch file's folder, and may not leave it.
            ["Orchestration:Runs:PathInputRoot"] = arguments.File.DirectoryName,
        });
        // --parallel N above the local runner's own cap (cores x 4) raises the cap for this command, unless it is configured.
        const string runnerCap = LocalRunnerOptions.Section + ":" + nameof(LocalRunnerOptions.MaxParallelExecutions);
        if (arguments.Parallel > StandaloneServiceCollectionExtensions.LocalMaxParallelRuns && string.IsNullOrWhiteSpace(builder.Configuration[runnerCap]))
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [runnerCap] = arguments.Parallel.Value.ToString(CultureInfo.InvariantCulture) });
        }

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter(level => level >= LogLevel.Warning);

        // A start failure is reported by run itself, without the host's stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddSingleton<IHostLifetime, ManualLifetime>();
        builder.Services.AddStandaloneOrchestration(builder.Configuration, arguments.DataFolder);
        return builder.Build();
    }

    private async Task<int?> SubmitAsync(BatchService service, byte[] document, int runs, ILogger logger)
    {
        var result = await service.SubmitAsync(document).ConfigureAwait(false);
        switch (result.Kind)
        {
            case SubmitKind.Invalid:
                await _err.WriteLineAsync("The batch was refused; nothing was started:").ConfigureAwait(false);
                foreach (var problem in result.Problems)
                {
                    await _err.WriteLineAsync($"  {problem.Path}: {problem.Message}").ConfigureAwait(false);
                }

                return ExitCodes.Refused;
            case SubmitKind.Conflict:
                await _err.WriteLineAsync(result.Reason).ConfigureAwait(false);
                return ExitCodes.Refused;
        }

        Logs.Submitted(logger, result.BatchId!, result.Created, runs);
        await _err.WriteLineAsync(result.Created
            ? $"Batch {result.BatchId}: submitted, {runs} runs. Ctrl-C detaches (runs keep going); Ctrl-C twice cancels."
            : $"Batch {result.BatchId}: already submitted; resuming.").ConfigureAwait(false);
        return null;
    }

    private async Task<int?> CancelAsync(BatchService service, string batchId)
    {
        switch (await service.CancelAsync(batchId).ConfigureAwait(false))
        {
            case BatchActionResult.NotFound:
                await _err.WriteLineAsync($"Batch {batchId} was never submitted from this data folder; nothing to cancel.").ConfigureAwait(false);
                return ExitCodes.NotCompleted;
            case BatchActionResult.Conflict:
                await _err.WriteLineAsync($"Batch {batchId} has already finished.").ConfigureAwait(false);
                return null;
            default:
                await _err.WriteLineAsync($"Batch {batchId}: cancelling; waiting for the running executions to stop.").ConfigureAwait(false);
                return null;
        }
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        Interlocked.Increment(ref _interrupts);
        _interrupted.TrySetResult();
    }
}
