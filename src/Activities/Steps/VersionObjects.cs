using Orchestration.Activities.Storage;
using Orchestration.Domain.Rerunning;
using Orchestration.Domain.Specs;

namespace Orchestration.Activities.Steps;

/// <summary>The stored requests that make a batch's results versions (<see cref="VersionRequest"/>: a rejudge or a
/// rerun), one object per version under <see cref="RunnerContract.VersionPrefix"/>.</summary>
public static class VersionObjects
{
    /// <summary>The object that claims version <paramref name="version"/>.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="nonce">The submission nonce.</param>
    /// <param name="version">The version.</param>
    /// <returns>The object name.</returns>
    public static string RequestObject(string batchId, string nonce, int version) =>
        RunnerContract.VersionPrefix(batchId, nonce, version) + RunnerContract.VersionRequestName;

    /// <summary>Reads what made version <paramref name="version"/>.</summary>
    /// <param name="objects">The object store.</param>
    /// <param name="batchId">The batch id.</param>
    /// <param name="nonce">The submission nonce.</param>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The request, or null when nothing claimed the version.</returns>
    public static async Task<VersionRequest?> ReadAsync(IObjectStore objects, string batchId, string nonce, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(objects);
        var content = await objects.GetAsync(RequestObject(batchId, nonce, version), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (content is null)
        {
            return null;
        }

        await using (content.ConfigureAwait(false))
        {
            using var memory = new MemoryStream();
            await content.Stream.CopyToAsync(memory, cancellationToken).ConfigureAwait(false);
            return VersionRequest.Parse(memory.ToArray());
        }
    }

    /// <summary>Reads what made version <paramref name="version"/>, which must exist.</summary>
    /// <param name="objects">The object store.</param>
    /// <param name="batchId">The batch id.</param>
    /// <param name="nonce">The submission nonce.</param>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The request.</returns>
    /// <exception cref="InvalidOperationException">Nothing claimed the version.</exception>
    public static async Task<VersionRequest> ReadRequiredAsync(IObjectStore objects, string batchId, string nonce, int version, CancellationToken cancellationToken) =>
        await ReadAsync(objects, batchId, nonce, version, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Results version {version} of batch '{batchId}' has no stored request.");

    /// <summary>The highest version any request claimed (1 when none: version 1 is the batch's own run).</summary>
    /// <param name="objects">The object store.</param>
    /// <param name="batchId">The batch id.</param>
    /// <param name="nonce">The submission nonce.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The highest version, and every claimed version.</returns>
    public static async Task<IReadOnlyList<int>> ClaimedAsync(IObjectStore objects, string batchId, string nonce, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(objects);
        var prefix = RunnerContract.VersionsPrefix(batchId, nonce);
        var claimed = new List<int>();
        string? token = null;
        do
        {
            var page = await objects.ListAsync(prefix, token, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                var rest = item.Name.AsSpan(prefix.Length);
                var slash = rest.IndexOf('/');
                if (slash > 0 && rest[(slash + 1)..].SequenceEqual(RunnerContract.VersionRequestName)
                    && int.TryParse(rest[..slash], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version))
                {
                    claimed.Add(version);
                }
            }

            token = page.NextPageToken;
        }
        while (token is not null);
        claimed.Sort();
        return claimed;
    }
}
