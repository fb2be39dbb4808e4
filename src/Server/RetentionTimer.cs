using Microsoft.Extensions.Options;
using Orchestration.Workflows.Service;

namespace Orchestration.Server;

/// <summary>Purges finished batches older than <see cref="RetentionOptions.Days"/> on a timer; does
/// nothing when retention is off (the default).</summary>
/// <remarks>The first sweep runs one interval after start, not at start, so a restart loop cannot
/// turn into a purge loop. A failed sweep is logged and retried at the next tick.</remarks>
/// <param name="sweeper">The sweeper.</param>
/// <param name="options">Days and interval.</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Logs failures.</param>
internal sealed class RetentionTimer(RetentionSweeper sweeper, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionTimer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Days is not { } days)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await sweeper.SweepAsync(time.GetUtcNow().AddDays(-days), stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Logs.RetentionFailed(logger, ex);
            }
        }
    }
}
