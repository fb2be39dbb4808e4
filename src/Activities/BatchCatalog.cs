using System.Collections.Concurrent;
using System.Text.Json;
using Orchestration.Activities.Stores;
using Orchestration.Domain;

namespace Orchestration.Activities;

/// <summary>Reads stored batches for activities, keeping recently used ones parsed in memory.</summary>
/// <remarks>CollectResult needs a task's rules for every run; parsing a document of up to 4 MiB per run
/// would dominate a 10,000-run batch. A stored batch never changes under its id and nonce (a new
/// submission after a purge gets a new nonce, which callers pass), so nothing else invalidates it.</remarks>
/// <param name="batches">The batch store.</param>
public sealed class BatchCatalog(IBatchStore batches)
{
    private const int Capacity = 64;
    private readonly ConcurrentDictionary<string, (StoredBatch Stored, Batch Batch)> _cache = new(StringComparer.Ordinal);

    /// <summary>The stored record and parsed batch.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="nonce">The submission the caller works for, when known: a cached batch of another
    /// submission (the id was purged and submitted again) is read afresh.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The batch.</returns>
    /// <exception cref="InvalidOperationException">The batch is not stored (purged, or never submitted).</exception>
    public async Task<(StoredBatch Stored, Batch Batch)> GetAsync(string batchId, string? nonce = null, CancellationToken cancellationToken = default)
    {
        if (_cache.TryGetValue(batchId, out var cached) && (nonce is null || cached.Stored.Nonce == nonce))
        {
            return cached;
        }

        var stored = await batches.GetAsync(batchId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Batch '{batchId}' is not in the batch store.");
        return Remember(stored, Deserialize(stored));
    }

    /// <summary>The parsed batch of a record the caller has just read (with its document); from memory when
    /// that submission (id and nonce) is cached.</summary>
    /// <param name="stored">The record, fresh from the store.</param>
    /// <returns>The batch.</returns>
    /// <remarks>For readers that need the record's current status as well (the status document, polled by
    /// clients every few seconds): they read the row anyway, and only the parse is saved.</remarks>
    public Batch Parse(StoredBatch stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (_cache.TryGetValue(stored.Id, out var cached) && cached.Stored.Nonce == stored.Nonce)
        {
            return cached.Batch;
        }

        return Remember(stored, Deserialize(stored)).Batch;
    }

    private static Batch Deserialize(StoredBatch stored) =>
        JsonSerializer.Deserialize(stored.Document.Span, ActivitiesJson.Options.Info<Batch>())
            ?? throw new InvalidDataException($"Batch '{stored.Id}' has an empty document.");

    private (StoredBatch Stored, Batch Batch) Remember(StoredBatch stored, Batch batch)
    {
        if (_cache.Count >= Capacity)
        {
            _cache.Clear();
        }

        return _cache[stored.Id] = (stored with { Document = ReadOnlyMemory<byte>.Empty }, batch);
    }
}
