using Orchestration.Activities.Storage;

namespace Orchestration.Workflows.Tests;

/// <summary>An object store that runs a test's hook before each delete by prefix (a purge's object step), so a
/// test can hold a purge at that point, e.g. to stop the host under it; and, when given, one after each create-if-absent
/// (which may throw, as a host dying right after the write would end the step).</summary>
public sealed class HookedObjectStore(
    IObjectStore inner, Func<string, CancellationToken, Task> beforeDeleteByPrefix, Action<string, PutIfAbsentResult>? afterPutIfAbsent = null) : IObjectStore
{
    public async Task<PutIfAbsentResult> PutIfAbsentAsync(string name, Stream content, string? contentType = null, CancellationToken cancellationToken = default)
    {
        var result = await inner.PutIfAbsentAsync(name, content, contentType, cancellationToken);
        afterPutIfAbsent?.Invoke(name, result);
        return result;
    }

    public Task<ObjectMetadata> PutAsync(string name, Stream content, string? contentType = null, CancellationToken cancellationToken = default) =>
        inner.PutAsync(name, content, contentType, cancellationToken);

    public Task<ObjectContent?> GetAsync(string name, long? generation = null, CancellationToken cancellationToken = default) =>
        inner.GetAsync(name, generation, cancellationToken);

    public Task<ObjectMetadata?> GetMetadataAsync(string name, CancellationToken cancellationToken = default) =>
        inner.GetMetadataAsync(name, cancellationToken);

    public Task<ObjectMetadata?> SetCustomTimeAsync(string name, DateTimeOffset customTime, CancellationToken cancellationToken = default) =>
        inner.SetCustomTimeAsync(name, customTime, cancellationToken);

    public Task<ObjectPage> ListAsync(string prefix, string? pageToken = null, int? pageSize = null, CancellationToken cancellationToken = default) =>
        inner.ListAsync(prefix, pageToken, pageSize, cancellationToken);

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(name, cancellationToken);

    public async Task<int> DeleteByPrefixAsync(string prefix, CancellationToken cancellationToken = default)
    {
        await beforeDeleteByPrefix(prefix, cancellationToken);
        return await inner.DeleteByPrefixAsync(prefix, cancellationToken);
    }
}
