
namespace Orchestration.Adapters.CloudRun;

/// <summary>Per-process pacing of execution starts (the "job run requests per minute" quota).</summary>
public interface IStartRateLimiter
{
    /// <summary>Takes a start slot, waiting up to <paramref name="maxWait"/> for one.</summary>
    /// <remarks>
    /// Longer waits are refused rather than slept through: the run then waits on a durable timer,
    /// which survives restarts and holds no activity slot.
    /// </remarks>
    /// <param name="maxWait">Longest in-process wait.</param>
    /// <param name="cancellationToken">Cancels the wait (the slot is given back).</param>
    /// <returns>Acquired, or refused with the wait that would be needed.</returns>
    ValueTask<StartSlot> AcquireAsync(TimeSpan maxWait, CancellationToken cancellationToken = default);
}
