using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Orchestration.Workflows.Service;

namespace Orchestration.Functions;

/// <summary>The timer-driven maintenance of DESIGN.md sections 5 and 11: the orphan reaper, retention, and the
/// repair that <c>serve</c> does at start-up.</summary>
/// <param name="batches">Builds the reaper and sweeper around each invocation's durable client.</param>
/// <param name="functions">Host settings (job age).</param>
/// <param name="retention">Retention settings (off unless <c>Orchestration:Retention:Days</c> is set).</param>
/// <param name="time">The clock.</param>
public sealed class TimerFunctions(
    BatchServices batches, IOptions<FunctionsOptions> functions, IOptions<RetentionOptions> retention, TimeProvider time)
{
    /// <summary>Every five minutes: cancels executions whose run is terminal or unknown, deletes unused jobs.</summary>
    /// <param name="timer">The timer.</param>
    /// <param name="client">The durable client.</param>
    /// <param name="context">The invocation.</param>
    /// <returns>A task.</returns>
    [Function("OrphanReaper")]
    public async Task ReapAsync([TimerTrigger("0 */5 * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var age = functions.Value.DeleteJobsUnusedForDays is { } days ? TimeSpan.FromDays(days) : (TimeSpan?)null;
        // The reaper logs what it cancelled and deleted itself.
        await batches.ReaperFor(client).ReapAsync(age, context.CancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Every five minutes: schedules stored batches whose orchestration was never scheduled (the host stopped
    /// between storing and scheduling) and finishes purges a recycle cut short, as <c>serve</c> does once at start.
    /// A Functions app has no start-up hook that runs once per app (every scaled-out instance starts, and
    /// <c>RunOnStartup</c> fires on each), so it runs on a timer; both steps are idempotent, so an overlap with a
    /// submit or a purge in flight changes nothing.
    /// </summary>
    /// <param name="timer">The timer.</param>
    /// <param name="client">The durable client.</param>
    /// <param name="context">The invocation.</param>
    /// <returns>A task.</returns>
    [Function("Repair")]
    public async Task RepairAsync([TimerTrigger("0 2-59/5 * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var repaired = await batches.For(client).RepairAsync(context.CancellationToken).ConfigureAwait(false);
        if (repaired > 0)
        {
            Logs.Repaired(context.GetLogger("Orchestration.Functions.Repair"), repaired);
        }
    }

    /// <summary>Hourly: purges finished batches older than <c>Orchestration:Retention:Days</c>; nothing when unset.</summary>
    /// <param name="timer">The timer.</param>
    /// <param name="client">The durable client.</param>
    /// <param name="context">The invocation.</param>
    /// <returns>A task.</returns>
    [Function("Retention")]
    public async Task SweepAsync([TimerTrigger("0 17 * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (retention.Value.Days is not { } days)
        {
            return;
        }

        await batches.SweeperFor(client).SweepAsync(time.GetUtcNow().AddDays(-days), context.CancellationToken).ConfigureAwait(false);
    }
}
