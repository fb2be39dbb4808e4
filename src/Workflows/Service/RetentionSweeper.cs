using Microsoft.Extensions.Logging;
using Orchestration.Activities.Stores;
using Orchestration.Domain;

namespace Orchestration.Workflows.Service;

/// <summary>Purges finished batches whose last status change is older than a cutoff. Hosts call it from a
/// timer when <see cref="RetentionOptions.Days"/> is set.</summary>
/// <remarks>It purges through <see cref="BatchService.PurgeAsync"/>, so a retention purge is the same
/// purge a user asks for (history, rows, aggregate, objects, then the record) and a batch that is still
/// pending or running is never touched. Candidates are collected before any purge starts, because a purge
/// changes the status the listing filters on.</remarks>
/// <param name="service">The batch service.</param>
/// <param name="logger">Logs what was purged.</param>
public sealed class RetentionSweeper(BatchService service, ILogger<RetentionSweeper> logger)
{
    private static readonly BatchStatus[] Finished = [BatchStatus.Completed, BatchStatus.Cancelled, BatchStatus.Failed, BatchStatus.Terminated, BatchStatus.Stopped];

    /// <summary>One sweep.</summary>
    /// <param name="finishedBefore">Purge batches that finished before this time.</param>
    /// <param name="cancellationToken">Cancels the sweep between purges.</param>
    /// <returns>How many purges were started.</returns>
    public async Task<int> SweepAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken = default)
    {
        var candidates = new List<string>();
        string? token = null;
        do
        {
            // A batch finishes after it is created, so only those created before the cutoff can qualify.
            var page = await service.ListAsync(new BatchQuery(Finished, CreatedTo: finishedBefore, PageSize: 200, ContinuationToken: token), cancellationToken).ConfigureAwait(false);
            candidates.AddRange(page.Items.Where(b => b.UpdatedAt < finishedBefore).Select(b => b.Id));
            token = page.ContinuationToken;
        }
        while (token is not null);

        var purged = 0;
        foreach (var id in candidates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            purged += await service.PurgeAsync(id, cancellationToken).ConfigureAwait(false) == BatchActionResult.Accepted ? 1 : 0;
        }

        Logs.RetentionSwept(logger, purged, finishedBefore);
        return purged;
    }
}
