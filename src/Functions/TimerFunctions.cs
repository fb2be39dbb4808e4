using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Orchestration.Workflows.Service;

namespace Orchestration.Functions;

/// <summary>The timer-driven maintenance of DESIGN.md sections 5 and 11: the orphan reaper and retention.</summary>
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
