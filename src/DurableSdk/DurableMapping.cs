using Orchestration.Domain;
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

    public static RealClient.PurgeInstanceOptions? ToReal(Seam.PurgeInstanceOptions? options) =>
        options is null ? null : new RealClient.PurgeInstanceOptions(options.Recursive);

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

    public static Seam.OrchestrationMetadata? ToSeam(RealClient.OrchestrationMetadata? metadata) => metadata is null
        ? null
        : new Seam.OrchestrationMetadata(metadata.Name, metadata.InstanceId)
        {
            // The enums share their numeric values (src/Durable mirrors the SDK's).
            RuntimeStatus = (Seam.OrchestrationRuntimeStatus)(int)metadata.RuntimeStatus,
            CreatedAt = metadata.CreatedAt,
            LastUpdatedAt = metadata.LastUpdatedAt,
            SerializedInput = metadata.SerializedInput,
            SerializedOutput = metadata.SerializedOutput,
            SerializedCustomStatus = metadata.SerializedCustomStatus,
            FailureDetails = metadata.FailureDetails is { } failure ? ToSeam(failure) : null,
            DataConverter = Converter,
        };

    public static Seam.PurgeResult ToSeam(RealClient.PurgeResult result) => new(result.PurgedInstanceCount);

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

    public static async Task<Seam.PurgeResult> Purged(Task<RealClient.PurgeResult> task) =>
        ToSeam(await task.ConfigureAwait(false));

    /// <summary>One page of the SDK's query at a time, so the seam's continuation token is the SDK's.</summary>
    public static Seam.AsyncPageable<Seam.OrchestrationMetadata> Pages(RealClient.DurableTaskClient client, Seam.OrchestrationQuery? filter) =>
        Seam.Pageable.Create<Seam.OrchestrationMetadata>(async (token, size, cancellationToken) =>
        {
            var query = ToReal((filter ?? new Seam.OrchestrationQuery()) with { ContinuationToken = token, PageSize = size ?? filter?.PageSize ?? Seam.OrchestrationQuery.DefaultPageSize });
            await foreach (var page in client.GetAllInstancesAsync(query).AsPages(token, size).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                return new Seam.Page<Seam.OrchestrationMetadata>([.. page.Values.Select(m => ToSeam(m)!)], page.ContinuationToken);
            }

            return new Seam.Page<Seam.OrchestrationMetadata>([], null);
        });
}
