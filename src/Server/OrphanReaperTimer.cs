using Microsoft.Extensions.Options;
using Orchestration.Workflows.Service;

namespace Orchestration.Server;

/// <summary>Runs the orphan reaper on a timer (<see cref="StandaloneOptions.ReaperInterval"/>).</summary>
/// <remarks>Cheap locally: it reads the local runner's state files. A failed pass is logged and retried
/// at the next tick; it never stops the host.</remarks>
/// <param name="reaper">The reaper.</param>
/// <param name="options">The interval.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Logs failures.</param>
internal sealed class OrphanReaperTimer(OrphanReaper reaper, IOptions<StandaloneOptions> options, TimeProvider time, ILogger<OrphanReaperTimer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReaperInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await reaper.ReapAsync(null, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Logs.ReapFailed(logger, ex);
            }
        }
    }
}
