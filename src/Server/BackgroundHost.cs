using System.Diagnostics;
using Orchestration.Activities.Stores;
using Orchestration.Domain;
using Orchestration.Workflows.Service;

namespace Orchestration.Server;

/// <summary>The hidden <c>host</c> command: the engine without a console, started by <c>run</c> when the user
/// detaches, so the whole batch goes on (pending runs included), not only the runs already in flight.</summary>
/// <remarks>It waits for the detaching <c>run</c> to release the data folder, drives every unfinished batch in it,
/// and exits once none is pending or running, or when a <c>run</c> or <c>serve</c> asks for the folder
/// (<see cref="DataFolderLock.HandoverFile"/>): that host then adopts the runs in flight, as after a restart.
/// Its log is <c>host.log</c> in the data folder.</remarks>
internal static class BackgroundHost
{
    public const string CommandName = "host";

    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);

    /// <summary>Starts the background host for <paramref name="data"/> as a process of its own session, so the
    /// terminal's Ctrl-C and hang-up do not reach it.</summary>
    /// <param name="data">The data folder.</param>
    /// <returns>Its process id.</returns>
    public static int Start(DataFolder data)
    {
        var executable = Environment.ProcessPath ?? throw new InvalidOperationException("The executable's path is unknown.");
        var command = new List<string> { executable };
        if (Path.GetFileNameWithoutExtension(executable) == "dotnet")
        {
            // 'dotnet Orchestration.Server.dll' (dotnet run, the tests): the same dll again.
            command.Add(Path.Combine(AppContext.BaseDirectory, typeof(BackgroundHost).Assembly.GetName().Name + ".dll"));
        }

        command.AddRange([CommandName, "--data", data.Root]);
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false, WorkingDirectory = Environment.CurrentDirectory };
        foreach (var argument in (IEnumerable<string>)["bash", "-c", "log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1", "orchestration-host", Log(data), .. command])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Process.Start returned no process.");
        return process.Id;
    }

    /// <summary>The background host's log file.</summary>
    /// <param name="data">The data folder.</param>
    /// <returns>The path.</returns>
    public static string Log(DataFolder data) => Path.Combine(data.Root, "host.log");

    public static async Task<int> RunAsync(string dataFolder, CancellationToken cancellationToken)
    {
        var data = new DataFolder(Path.GetFullPath(dataFolder));
        using var lease = await DataFolderLock.WaitAsync(data, DataFolderLock.Background, DataFolderLock.HandoverTimeout, cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            DataFolderLock.TryAcquire(data, DataFolderLock.Background, out var holder)?.Dispose();
            await Console.Error.WriteLineAsync($"orchestration host: {holder?.Refusal(data.Root) ?? "the data folder was busy."}").ConfigureAwait(false);
            return ExitCodes.Refused;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [HostDefaults.NoConfigReload], ContentRootPath = Environment.CurrentDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
        });
        builder.Services.AddStandaloneOrchestration(builder.Configuration, data.Root);
        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BackgroundHost).FullName!);
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        Logs.BackgroundStarted(logger, data.Root, Environment.ProcessId);
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var service = host.Services.GetRequiredService<BatchService>();
        var store = host.Services.GetRequiredService<IBatchStore>();
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                if (File.Exists(DataFolderLock.HandoverFile(data)))
                {
                    Logs.BackgroundHandingOver(logger);
                    break;
                }

                if (!await AnyUnfinishedAsync(store, service, stopping).ConfigureAwait(false))
                {
                    Logs.BackgroundIdle(logger);
                    break;
                }

                await Task.Delay(CheckEvery, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // SIGTERM: stop as any host does; the runs in flight go on and the next host adopts them.
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await host.StopAsync(stop.Token).ConfigureAwait(false);
        return ExitCodes.Completed;
    }

    /// <summary>Whether a batch still needs this host: stored as pending, running or purging, and (for the first two)
    /// not ended by its orchestration either (a failed or terminated orchestration leaves the stored status as it was).</summary>
    private static async Task<bool> AnyUnfinishedAsync(IBatchStore store, BatchService service, CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var page = await store.ListAsync(new BatchQuery([BatchStatus.Pending, BatchStatus.Running, BatchStatus.Purging], PageSize: 100, ContinuationToken: token), cancellationToken).ConfigureAwait(false);
            foreach (var batch in page.Items)
            {
                if (batch.Status == BatchStatus.Purging
                    || await service.GetStatusAsync(batch.Id, cancellationToken).ConfigureAwait(false) is not { } status
                    || !BatchWatcher.IsFinished(status))
                {
                    return true;
                }
            }

            token = page.ContinuationToken;
        }
        while (token is not null);

        return false;
    }
}
