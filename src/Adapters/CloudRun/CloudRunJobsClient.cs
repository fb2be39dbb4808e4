using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestration.Activities;
using Orchestration.Activities.CloudRun;
using Orchestration.Adapters.Google;

namespace Orchestration.Adapters.CloudRun;

/// <summary><see cref="ICloudRunJobsClient"/> over the Cloud Run Admin API v2 (raw REST through <see cref="IHttpClientFactory"/>).</summary>
/// <remarks>
/// Calls per operation: ensure of an existing ready job is one <c>jobs.get</c>; of a new job
/// <c>jobs.get</c> (404) + <c>jobs.create</c> + <c>operations.get</c> until done + <c>jobs.get</c>;
/// start is one <c>jobs.run</c> whatever its task count (its operation is never polled); get is one
/// <c>executions.get</c>; tasks one <c>tasks.list</c> per page;
/// cancel one <c>executions.cancel</c>; list one call per page; delete one <c>jobs.delete</c>.
/// Retried on 408/429/5xx and timeouts: every call but <c>jobs.run</c> (reads, cancel and delete are
/// idempotent, create is guarded by its job id: a repeat answers 409).
/// </remarks>
/// <param name="httpClientFactory">Creates the client named <see cref="HttpClientName"/>.</param>
/// <param name="options">Project, region and pacing.</param>
/// <param name="startRateLimiter">Per-process start pacing.</param>
/// <param name="timeProvider">Clock for polling delays.</param>
/// <param name="logger">Logger.</param>
public sealed class CloudRunJobsClient(
    IHttpClientFactory httpClientFactory,
    IOptions<CloudRunOptions> options,
    IStartRateLimiter startRateLimiter,
    TimeProvider timeProvider,
    ILogger<CloudRunJobsClient> logger) : ICloudRunJobsClient
{
    /// <summary>Name of the HTTP client (with the Google resilience and auth handlers).</summary>
    public const string HttpClientName = "google-cloud-run";

    private readonly CloudRunOptions _options = options.Value;

    private HttpClient Http => httpClientFactory.CreateClient(HttpClientName);

    private string Parent => $"projects/{_options.Project}/locations/{_options.Region}";

    /// <inheritdoc />
    public async Task<CloudRunJob> EnsureJobAsync(CloudRunJobSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfNegative(spec.Parallelism);
        var (status, json) = await SendJsonAsync(HttpMethod.Get, $"{Parent}/jobs/{spec.JobId}", null, retryable: true, cancellationToken);
        if (status == HttpStatusCode.NotFound)
        {
            logger.CreatingJob(spec.JobId);
            var body = CloudRunJson.JobBody(spec, _options.ContainerName, _options.ClientName);
            (status, json) = await SendJsonAsync(HttpMethod.Post, $"{Parent}/jobs?jobId={Uri.EscapeDataString(spec.JobId)}", body, retryable: true, cancellationToken, HttpStatusCode.Conflict);
            if (status == HttpStatusCode.Conflict)
            {
                logger.JobAlreadyExists(spec.JobId);
            }
            else
            {
                await WaitForOperationAsync(json, tolerateAlreadyExists: true, cancellationToken);
            }

            json = default;
        }

        return await WaitForReadyAsync(spec.JobId, json, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<RunExecutionResult> RunExecutionAsync(
        string jobId, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, int taskCount = 1, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentOutOfRangeException.ThrowIfLessThan(taskCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(taskCount, ICloudRunJobsClient.MaxTaskCount);

        // One token per :run, whatever the task count: Cloud Run's quota counts requests, so a pack is one start.
        var slot = await startRateLimiter.AcquireAsync(_options.MaxStartWait, cancellationToken);
        if (!slot.Acquired)
        {
            logger.StartThrottled(jobId, 0, slot.RetryAfter);
            return RunExecutionResult.Throttled(slot.RetryAfter);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, Url($"{Parent}/jobs/{jobId}:run"))
        {
            Content = Json(CloudRunJson.RunBody(_options.ContainerName, environment, timeout, taskCount)),
        };
        HttpResponseMessage response;
        try
        {
            // jobs.run is not idempotent: never resent automatically. See ICloudRunJobsClient.
            response = await GoogleRequests.SendAsync(Http, request, retryable: false, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (CloudServiceException ex)
        {
            logger.StartAmbiguous(jobId, ex.Code);
            throw;
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var error = await GoogleRequests.ReadErrorAsync(response, cancellationToken);
                if (error.Status == 429 || error.Code == "RESOURCE_EXHAUSTED")
                {
                    var retryAfter = GoogleRequests.RetryAfter(response, timeProvider) ?? _options.ThrottleRetryAfter;
                    logger.StartThrottled(jobId, error.Status, retryAfter);
                    return RunExecutionResult.Throttled(retryAfter);
                }

                if (error.IsTransient)
                {
                    logger.StartAmbiguous(jobId, error.Code);
                }

                throw error;
            }

            // The operation stays open until the execution ends; its metadata names the execution now.
            var operation = await GoogleRequests.ReadJsonAsync(response, cancellationToken);
            var name = (operation.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("name", out var n) ? n.GetString() : null)
                ?? (operation.TryGetProperty("response", out var done) && done.TryGetProperty("name", out var r) ? r.GetString() : null)
                ?? throw new CloudServiceException(502, "INTERNAL", $"jobs.run of {jobId} answered an operation without an execution name.");
            logger.ExecutionStarted(jobId, name);
            return RunExecutionResult.Started(name);
        }
    }

    /// <inheritdoc />
    public async Task<CloudRunExecution?> GetExecutionAsync(string executionName, CancellationToken cancellationToken = default)
    {
        ValidateExecutionName(executionName);
        var (status, json) = await SendJsonAsync(HttpMethod.Get, executionName, null, retryable: true, cancellationToken);
        return status == HttpStatusCode.NotFound ? null : CloudRunJson.ParseExecution(json);
    }

    /// <inheritdoc />
    /// <remarks>One <c>tasks.list</c> per page; Cloud Run does not document the order, so each page is sorted by index here.</remarks>
    public async Task<CloudRunPage<CloudRunTask>> ListTasksAsync(string executionName, string? pageToken = null, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        ValidateExecutionName(executionName);
        var (status, json) = await SendJsonAsync(HttpMethod.Get, $"{executionName}/tasks{PageQuery(pageToken, pageSize)}", null, retryable: true, cancellationToken);
        if (status == HttpStatusCode.NotFound)
        {
            return new CloudRunPage<CloudRunTask>([], null);
        }

        var items = Items(json, "tasks").Select(CloudRunJson.ParseTask).OrderBy(t => t.Index).ToList();
        return new CloudRunPage<CloudRunTask>(items, NextPage(json));
    }

    /// <inheritdoc />
    public async Task<bool> CancelExecutionAsync(string executionName, CancellationToken cancellationToken = default)
    {
        ValidateExecutionName(executionName);
        try
        {
            var (status, _) = await SendJsonAsync(HttpMethod.Post, executionName + ":cancel", new JsonObject(), retryable: true, cancellationToken);
            if (status == HttpStatusCode.NotFound)
            {
                logger.CancelIgnored(executionName, "not found");
                return false;
            }

            return true;
        }
        catch (CloudServiceException ex) when (ex.Code == "FAILED_PRECONDITION")
        {
            logger.CancelIgnored(executionName, "already finished");
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<CloudRunPage<CloudRunExecution>> ListExecutionsAsync(string jobId, string? pageToken = null, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        var (_, json) = await SendJsonAsync(HttpMethod.Get, $"{Parent}/jobs/{jobId}/executions{PageQuery(pageToken, pageSize)}", null, retryable: true, cancellationToken);
        var items = Items(json, "executions").Select(CloudRunJson.ParseExecution).ToList();
        return new CloudRunPage<CloudRunExecution>(items, NextPage(json));
    }

    /// <inheritdoc />
    public async Task<CloudRunPage<CloudRunJob>> ListJobsAsync(string? idPrefix = null, IReadOnlyDictionary<string, string>? labels = null, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        // jobs.list has no filter parameter in v2: filter here.
        var (_, json) = await SendJsonAsync(HttpMethod.Get, $"{Parent}/jobs{PageQuery(pageToken, null)}", null, retryable: true, cancellationToken);
        var items = Items(json, "jobs")
            .Select(CloudRunJson.ParseJob)
            .Where(j => idPrefix is null || j.Id.StartsWith(idPrefix, StringComparison.Ordinal))
            .Where(j => labels is null || labels.All(l => j.Labels.TryGetValue(l.Key, out var v) && v == l.Value))
            .ToList();
        return new CloudRunPage<CloudRunJob>(items, NextPage(json));
    }

    /// <inheritdoc />
    public async Task<bool> DeleteJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        var (status, _) = await SendJsonAsync(HttpMethod.Delete, $"{Parent}/jobs/{jobId}", null, retryable: true, cancellationToken);
        return status != HttpStatusCode.NotFound;
    }

    private static void ValidateExecutionName(string executionName)
    {
        ArgumentException.ThrowIfNullOrEmpty(executionName);
        if (!executionName.StartsWith("projects/", StringComparison.Ordinal) || !executionName.Contains("/executions/", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{executionName}' is not a full execution name.", nameof(executionName));
        }
    }

    private static IEnumerable<JsonElement> Items(JsonElement json, string property) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(property, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray()
            : [];

    private static string? NextPage(JsonElement json) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty("nextPageToken", out var token) && token.GetString() is { Length: > 0 } next
            ? next
            : null;

    private static string PageQuery(string? pageToken, int? pageSize)
    {
        var query = new List<string>();
        if (pageSize is { } size)
        {
            query.Add("pageSize=" + size.ToString(CultureInfo.InvariantCulture));
        }

        if (pageToken is not null)
        {
            query.Add("pageToken=" + Uri.EscapeDataString(pageToken));
        }

        return query.Count == 0 ? string.Empty : "?" + string.Join('&', query);
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private string Url(string path) => $"{_options.BaseUrl.ToString().TrimEnd('/')}/v2/{path}";

    /// <summary>Sends a JSON call; 404 (and the statuses in <paramref name="tolerated"/>) are returned, other errors thrown.</summary>
    private async Task<(HttpStatusCode Status, JsonElement Json)> SendJsonAsync(
        HttpMethod method, string path, JsonNode? body, bool retryable, CancellationToken cancellationToken, params HttpStatusCode[] tolerated)
    {
        using var request = new HttpRequestMessage(method, Url(path));
        if (body is not null)
        {
            request.Content = Json(body);
        }

        using var response = await GoogleRequests.SendAsync(Http, request, retryable, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound || tolerated.Contains(response.StatusCode))
        {
            return (response.StatusCode, default);
        }

        await GoogleRequests.EnsureSuccessAsync(response, cancellationToken);
        return (response.StatusCode, await GoogleRequests.ReadJsonAsync(response, cancellationToken));
    }

    private async Task WaitForOperationAsync(JsonElement operation, bool tolerateAlreadyExists, CancellationToken cancellationToken)
    {
        var deadline = timeProvider.GetUtcNow() + _options.JobReadyTimeout;
        while (true)
        {
            if (operation.TryGetProperty("done", out var done) && done.ValueKind == JsonValueKind.True)
            {
                if (operation.TryGetProperty("error", out var error))
                {
                    var code = CloudRunJson.RpcCodeName(error.TryGetProperty("code", out var c) ? c.GetInt32() : 2);
                    if (tolerateAlreadyExists && code == "ALREADY_EXISTS")
                    {
                        return;
                    }

                    var message = error.TryGetProperty("message", out var m) ? m.GetString() ?? code : code;
                    throw new CloudServiceException(code == "ALREADY_EXISTS" ? 409 : 400, code, message);
                }

                return;
            }

            if (timeProvider.GetUtcNow() > deadline)
            {
                throw new CloudServiceException(504, "DEADLINE_EXCEEDED", "Cloud Run operation did not finish in time.");
            }

            await Task.Delay(_options.OperationPollInterval, timeProvider, cancellationToken);
            var name = operation.GetProperty("name").GetString()!;
            var (status, json) = await SendJsonAsync(HttpMethod.Get, name, null, retryable: true, cancellationToken);
            if (status == HttpStatusCode.NotFound)
            {
                // Operations are garbage-collected; the job's Ready condition is the truth anyway.
                return;
            }

            operation = json;
        }
    }

    private async Task<CloudRunJob> WaitForReadyAsync(string jobId, JsonElement job, CancellationToken cancellationToken)
    {
        var deadline = timeProvider.GetUtcNow() + _options.JobReadyTimeout;
        while (true)
        {
            if (job.ValueKind == JsonValueKind.Object)
            {
                var (ready, failure) = CloudRunJson.JobReadiness(job);
                if (ready)
                {
                    logger.JobReady(jobId);
                    return CloudRunJson.ParseJob(job);
                }

                if (failure is not null)
                {
                    throw new CloudServiceException(400, "FAILED_PRECONDITION", $"Cloud Run job {jobId} is not ready: {failure}");
                }

                if (timeProvider.GetUtcNow() > deadline)
                {
                    throw new CloudServiceException(504, "DEADLINE_EXCEEDED", $"Cloud Run job {jobId} did not become ready in time.");
                }

                await Task.Delay(_options.OperationPollInterval, timeProvider, cancellationToken);
            }

            var (status, json) = await SendJsonAsync(HttpMethod.Get, $"{Parent}/jobs/{jobId}", null, retryable: true, cancellationToken);
            if (status == HttpStatusCode.NotFound)
            {
                throw new CloudServiceException(404, "NOT_FOUND", $"Cloud Run job {jobId} disappeared while waiting for it to be ready.");
            }

            job = json;
        }
    }
}
