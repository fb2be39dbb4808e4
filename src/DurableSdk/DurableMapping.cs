using Orchestration.Domain;
using Orchestration.Domain.Planning;
using Real = Microsoft.DurableTask;
using RealClient = Microsoft.DurableTask.Client;
using Seam = Orchestration.Durable;

namespace Orchestration.DurableSdk;

/// <summary>Conversions between the Durable Task SDK's types and the seam's (src/Durable mirrors them
/// member for member, so each conversion is a field-by-field copy).</summary>
internal static class DurableMapping
{
    /// <summary>The seam's converter for payloads read back from metadata: the same options the worker serializes with.</summary>
    public static Seam.DataConverter Converter { get; } = new Seam.JsonDataConverter(BatchJson.Options);

    public static Real.TaskOptions? ToReal(Seam.TaskOptions? options) => options switch
    {
        null => null,
        Seam.SubOrchestrationOptions sub => new Real.SubOrchestrationOptions(ToReal(sub.Retry), sub.InstanceId),
        _ => new Real.TaskOptions(ToReal(options.Retry)),
    };

    public static Real.TaskRetryOptions? ToReal(Seam.TaskRetryOptions? retry) => retry?.Policy is not { } policy
        ? null
        : Real.TaskRetryOptions.FromRetryPolicy(new Real.RetryPolicy(policy.MaxNumberOfAttempts, policy.FirstRetryInterval, policy.BackoffCoefficient, policy.MaxRetryInterval, policy.RetryTimeout)
        {
            // The seam's predicate decides which failures retry (a throttled start or an auth failure does not).
            HandleFailure = details => policy.HandleFailure(ToSeam(details)),
        });

    public static Real.StartOrchestrationOptions? ToReal(Seam.StartOrchestrationOptions? options) =>
        options is null ? null : new Real.StartOrchestrationOptions(options.InstanceId, options.StartAt);

    public static RealClient.TerminateInstanceOptions? ToReal(Seam.TerminateInstanceOptions? options) =>
        options is null ? null : new RealClient.TerminateInstanceOptions(options.Output, options.Recursive);

    public static RealClient.OrchestrationQuery? ToReal(Seam.OrchestrationQuery? query) => query is null
        ? null
        : new RealClient.OrchestrationQuery(
            query.CreatedFrom,
            query.CreatedTo,
            query.Statuses?.Select(s => (RealClient.OrchestrationRuntimeStatus)(int)s).ToList(),
            query.TaskHubNames?.ToList(),
            query.InstanceIdPrefix,
            query.PageSize,
            query.FetchInputsAndOutputs,
            query.ContinuationToken);

    public static Seam.TaskFailureDetails ToSeam(Real.TaskFailureDetails details) =>
        new(details.ErrorType, details.ErrorMessage, details.StackTrace, details.InnerFailure is { } inner ? ToSeam(inner) : null);

    public static Seam.TaskFailedException ToSeam(Real.TaskFailedException failed) =>
        new(failed.TaskName, failed.TaskId, ToSeam(failed.FailureDetails));

    public static Seam.OrchestrationMetadata? ToSeam(RealClient.OrchestrationMetadata? metadata, bool withData = true) => metadata is null
        ? null
        : new Seam.OrchestrationMetadata(metadata.Name, metadata.InstanceId)
        {
            // The enums share their numeric values (src/Durable mirrors the SDK's).
            RuntimeStatus = (Seam.OrchestrationRuntimeStatus)(int)metadata.RuntimeStatus,
            CreatedAt = metadata.CreatedAt,
            LastUpdatedAt = metadata.LastUpdatedAt,
            SerializedInput = withData ? metadata.SerializedInput : null,
            SerializedOutput = withData ? metadata.SerializedOutput : null,
            SerializedCustomStatus = metadata.SerializedCustomStatus,
            FailureDetails = metadata.FailureDetails is { } failure ? ToSeam(failure) : null,
            DataConverter = Converter,
        };

    /// <summary>Awaits a durable task and rethrows the SDK's task failure as the seam's, which is what the
    /// orchestrators catch.</summary>
    public static async Task<T> Translate<T>(Task<T> task)
    {
        // No ConfigureAwait: this runs on the orchestration's own scheduler and must stay there.
        try
        {
            return await task;
        }
        catch (Real.TaskFailedException failed)
        {
            throw ToSeam(failed);
        }
    }

    public static async Task<Seam.OrchestrationMetadata> Required(Task<RealClient.OrchestrationMetadata> task) =>
        ToSeam(await task.ConfigureAwait(false))!;

    public static async Task<Seam.OrchestrationMetadata?> Optional(Task<RealClient.OrchestrationMetadata?> task) =>
        ToSeam(await task.ConfigureAwait(false));

    /// <summary>Purges an ended instance and, when asked, its sub-orchestrations, as the seam promises (and the
    /// embedded engine does).</summary>
    /// <remarks>
    /// The SDK's backends purge only the named instance whatever <c>PurgeInstanceOptions.Recursive</c> says: the
    /// gRPC servers of the Durable Functions host and of the in-process test host never read the flag
    /// (microsoft/durabletask-dotnet#451, open; PR #489 corrected the SDK's docs to say so). Some also answer a purge
    /// of a running instance with a count of 0 instead of an error. The product purges whole batches, and every
    /// orchestration of a batch is named under the batch id (<see cref="InstanceIds.ChildPrefix"/>, DESIGN
    /// section 4), so the descendants are the ended instances under that prefix (for another root: those named
    /// under it). They go first: a purge interrupted midway leaves the parent, whose next purge (the batch service
    /// repairs an unfinished one) finds the rest by the same prefix.
    /// </remarks>
    public static async Task<Seam.PurgeResult> PurgeAsync(RealClient.DurableTaskClient client, string instanceId, bool recursive, CancellationToken cancellation)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellation).ConfigureAwait(false);
        if (instance is null)
        {
            return new Seam.PurgeResult(0);
        }

        if (!instance.IsCompleted)
        {
            throw new InvalidOperationException($"The instance '{instanceId}' is {instance.RuntimeStatus}; only completed, failed or terminated instances can be purged.");
        }

        var purged = 0;
        if (recursive)
        {
            // Listed whole before the first purge: a backend that pages by position skips instances as they go.
            var prefix = InstanceIds.ChildPrefix(instanceId);
            var query = new RealClient.OrchestrationQuery
            {
                InstanceIdPrefix = prefix,
                Statuses = [RealClient.OrchestrationRuntimeStatus.Completed, RealClient.OrchestrationRuntimeStatus.Failed, RealClient.OrchestrationRuntimeStatus.Terminated],
            };
            var descendants = new List<string>();
            await foreach (var child in client.GetAllInstancesAsync(query).WithCancellation(cancellation).ConfigureAwait(false))
            {
                // Ordinal, as the seam's prefix: the test host's matches ignoring case.
                if (child.InstanceId.StartsWith(prefix, StringComparison.Ordinal))
                {
                    descendants.Add(child.InstanceId);
                }
            }

            foreach (var id in descendants)
            {
                purged += (await client.PurgeInstanceAsync(id, options: null, cancellation).ConfigureAwait(false)).PurgedInstanceCount;
            }
        }

        purged += (await client.PurgeInstanceAsync(instanceId, new RealClient.PurgeInstanceOptions(recursive), cancellation).ConfigureAwait(false)).PurgedInstanceCount;
        return new Seam.PurgeResult(purged);
    }

    /// <summary>One page of the SDK's query at a time, so the seam's continuation token is the SDK's.</summary>
    /// <remarks>Inputs and outputs only when asked for: some backends send them whatever the query says (the
    /// in-process test host does; Azure Storage reads them only when asked), and code that read them unasked would
    /// pass there and find nulls in production.</remarks>
    public static Seam.AsyncPageable<Seam.OrchestrationMetadata> Pages(RealClient.DurableTaskClient client, Seam.OrchestrationQuery? filter) =>
        Seam.Pageable.Create<Seam.OrchestrationMetadata>(async (token, size, cancellationToken) =>
        {
            var query = ToReal((filter ?? new Seam.OrchestrationQuery()) with { ContinuationToken = token, PageSize = size ?? filter?.PageSize ?? Seam.OrchestrationQuery.DefaultPageSize });
            await foreach (var page in client.GetAllInstancesAsync(query).AsPages(token, size).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                return new Seam.Page<Seam.OrchestrationMetadata>([.. page.Values.Select(m => ToSeam(m, query!.FetchInputsAndOutputs)!)], page.ContinuationToken);
            }

            return new Seam.Page<Seam.OrchestrationMetadata>([], null);
        });
}
