using Orchestration.Workflows.Service;

namespace Orchestration.Server;

/// <summary>At start, schedules stored batches a crash left unscheduled and finishes interrupted purges.</summary>
/// <remarks>Registered after the engine, so the durable client is running when it is called.</remarks>
/// <param name="service">The batch service.</param>
/// <param name="logger">Logs how many were repaired.</param>
internal sealed class StartupRepair(BatchService service, ILogger<StartupRepair> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var repaired = await service.RepairAsync(cancellationToken).ConfigureAwait(false);
        Logs.Repaired(logger, repaired);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
