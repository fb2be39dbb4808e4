using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Orchestration.Fakes;

/// <summary>
/// Loopback fake of the Cloud Run Admin API v2 for one project and region: jobs get/create/delete/list,
/// <c>:run</c> answering an operation whose metadata already names the execution (and which finishes only
/// when the execution does), executions get/list/cancel, operations get. Follows the documented shapes:
/// proto3 JSON (int64 as strings, zero counts omitted), Google JSON errors (404, 409, 400
/// FAILED_PRECONDITION, 429, 503), execution 404 after retention.
/// </summary>
/// <remarks>
/// Executions move through states by the test (<see cref="Start"/>, <see cref="Complete"/>,
/// <see cref="Expire"/>) or by timing (<see cref="AutoStartAfter"/>, <see cref="AutoCompleteAfter"/>,
/// <see cref="ExecutionRetention"/>). <see cref="ExecutionCreated"/> lets a test play the runner.
/// Endpoint names: <c>jobs.create</c>, <c>jobs.get</c>, <c>jobs.list</c>, <c>jobs.delete</c>,
/// <c>jobs.run</c>, <c>executions.get</c>, <c>executions.list</c>, <c>executions.cancel</c>,
/// <c>operations.get</c>.
/// </remarks>
public sealed class FakeCloudRunServer : LoopbackServer
{
    private const string ExecutionType = "type.googleapis.com/google.cloud.run.v2.Execution";
    private const string JobType = "type.googleapis.com/google.cloud.run.v2.Job";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, FakeJob> _jobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeExecution> _executions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeOperation> _operations = new(StringComparer.Ordinal);
    private readonly Random _names;

    /// <summary>Creates the fake (call <see cref="LoopbackServer.StartAsync"/>).</summary>
    /// <param name="project">Project served.</param>
    /// <param name="region">Region served.</param>
    /// <param name="timeProvider">Clock of executions and retention.</param>
    public FakeCloudRunServer(string project = "test-project", string region = "europe-west1", TimeProvider? timeProvider = null)
        : base(timeProvider)
    {
        Project = project;
        Region = region;
        _names = new Random(Faults.Seed + 1);
    }

    /// <summary>Raised (outside the fake's lock) for each execution a <c>:run</c> creates, unless it fails without a result.</summary>
    public event Action<FakeExecution>? ExecutionCreated;

    /// <summary>Project served.</summary>
    public string Project { get; }

    /// <summary>Region served.</summary>
    public string Region { get; }

    /// <summary>Reads of a new job (or its create operation) before it is Ready.</summary>
    public int JobReadyAfterPolls { get; set; } = 1;

    /// <summary>Pending executions start by themselves this long after creation (null: only by <see cref="Start"/>).</summary>
    public TimeSpan? AutoStartAfter { get; set; }

    /// <summary>Executions succeed by themselves this long after creation (null: only by <see cref="Complete"/>).</summary>
    public TimeSpan? AutoCompleteAfter { get; set; }

    /// <summary>Terminal executions vanish (404) this long after completion (null: only by <see cref="Expire"/>).</summary>
    public TimeSpan? ExecutionRetention { get; set; }

    /// <summary>Fraction of executions that fail (exit code 1) without their runner doing anything.</summary>
    public double FailWithoutResultFraction { get; set; }

    /// <summary>Fraction of <c>:run</c> calls that create two executions (the answer names the first).</summary>
    public double DuplicateRunFraction { get; set; }

    /// <summary>Fraction of <c>:run</c> calls that create the execution and then answer 503 (an ambiguous failure).</summary>
    public double AmbiguousRunFraction { get; set; }

    /// <summary>Completed executions a job keeps; older ones are deleted (404), as Cloud Run keeps the last 1,000.</summary>
    public int RetainedExecutionsPerJob { get; set; } = 1_000;

    /// <summary>Largest page a listing returns.</summary>
    public int MaxPageSize { get; set; } = 100;

    /// <summary>Resource name prefix <c>projects/P/locations/R</c>.</summary>
    public string Parent => $"projects/{Project}/locations/{Region}";

    /// <summary>A snapshot of all executions, oldest first (expired ones included).</summary>
    public IReadOnlyList<FakeExecution> Executions
    {
        get
        {
            lock (_lock)
            {
                return [.. _executions.Values.OrderBy(e => e.CreateTime)];
            }
        }
    }

    /// <summary>Ids of the jobs that exist.</summary>
    public IReadOnlyList<string> JobIds
    {
        get
        {
            lock (_lock)
            {
                return [.. _jobs.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>The create body a job was created with (what the adapter sent), or null.</summary>
    /// <param name="jobId">Job id.</param>
    /// <returns>A copy of the body.</returns>
    public JsonObject? JobBody(string jobId)
    {
        lock (_lock)
        {
            return _jobs.TryGetValue(jobId, out var job) ? (JsonObject)job.Body.DeepClone() : null;
        }
    }

    /// <summary>Finds an execution by full name or short id.</summary>
    /// <param name="nameOrId">Name or id.</param>
    /// <returns>The execution or null.</returns>
    public FakeExecution? Execution(string nameOrId)
    {
        lock (_lock)
        {
            return _executions.GetValueOrDefault(nameOrId) ?? _executions.Values.FirstOrDefault(e => e.Id == nameOrId);
        }
    }

    /// <summary>Moves a pending execution to running.</summary>
    /// <param name="nameOrId">Name or id.</param>
    public void Start(string nameOrId) => Mutate(nameOrId, e =>
    {
        if (e.State == FakeExecutionState.Pending)
        {
            e.State = FakeExecutionState.Running;
            e.StartTime = Time.GetUtcNow();
        }
    });

    /// <summary>Completes an execution (starting it first if needed).</summary>
    /// <param name="nameOrId">Name or id.</param>
    /// <param name="succeeded">Success, or failure with a non-zero exit code.</param>
    /// <param name="message">Failure message.</param>
    public void Complete(string nameOrId, bool succeeded = true, string? message = null) => Mutate(nameOrId, e =>
    {
        if (!e.IsTerminal)
        {
            Finish(e, succeeded ? FakeExecutionState.Succeeded : FakeExecutionState.Failed, succeeded ? null : message ?? $"Task {e.Id}-0 failed with exit code: 1.");
        }
    });

    /// <summary>Drops an execution as retention does: it answers 404 from now on.</summary>
    /// <param name="nameOrId">Name or id.</param>
    public void Expire(string nameOrId) => Mutate(nameOrId, e => e.Expired = true);

    /// <inheritdoc />
    protected override async Task HandleAsync(HttpContext context, IReadOnlyList<string> path, IReadOnlyDictionary<string, string> query)
    {
        if (path.ToArray() is not ["v2", "projects", var project, "locations", var region, .. var rest] || project != Project || region != Region)
        {
            await ErrorAsync(context, 404, "NOT_FOUND", "The requested URL was not found on this server.");
            return;
        }

        var method = context.Request.Method;
        Task? handled = (method, rest) switch
        {
            ("POST", ["jobs"]) => Serve(context, "jobs.create", () => CreateJobAsync(context, query)),
            ("GET", ["jobs"]) => Serve(context, "jobs.list", () => ListJobsAsync(context, query)),
            ("GET", ["jobs", var job]) when !job.Contains(':', StringComparison.Ordinal) => Serve(context, "jobs.get", () => GetJobAsync(context, job)),
            ("DELETE", ["jobs", var job]) => Serve(context, "jobs.delete", () => DeleteJobAsync(context, job)),
            ("POST", ["jobs", var run]) when run.EndsWith(":run", StringComparison.Ordinal) => Serve(context, "jobs.run", () => RunAsync(context, run[..^4])),
            ("GET", ["jobs", var job, "executions"]) => Serve(context, "executions.list", () => ListExecutionsAsync(context, job, query)),
            ("GET", ["jobs", var job, "executions", var id]) => Serve(context, "executions.get", () => GetExecutionAsync(context, job, id)),
            ("POST", ["jobs", var job, "executions", var cancel]) when cancel.EndsWith(":cancel", StringComparison.Ordinal) =>
                Serve(context, "executions.cancel", () => CancelAsync(context, job, cancel[..^7])),
            ("GET", ["operations", var id]) => Serve(context, "operations.get", () => GetOperationAsync(context, id)),
            _ => null,
        };
        await (handled ?? ErrorAsync(context, 404, "NOT_FOUND", $"No route for {method} {string.Join('/', rest)}."));
    }

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    private void Finish(FakeExecution e, FakeExecutionState state, string? message)
    {
        var now = Time.GetUtcNow();
        e.StartTime ??= now;
        e.State = state;
        e.Message = message;
        e.CompletionTime = now;
    }

    private async Task Serve(HttpContext context, string endpoint, Func<Task> handler)
    {
        if (await EnterAsync(context, endpoint))
        {
            await handler();
        }
    }

    private void Mutate(string nameOrId, Action<FakeExecution> change)
    {
        lock (_lock)
        {
            var e = _executions.GetValueOrDefault(nameOrId) ?? _executions.Values.FirstOrDefault(x => x.Id == nameOrId)
                ?? throw new InvalidOperationException($"No execution {nameOrId}.");
            change(e);
        }
    }

    /// <summary>Applies timing rules (auto start/complete, fail without result, retention). Call under the lock.</summary>
    private void Advance(FakeExecution e)
    {
        var now = Time.GetUtcNow();
        if (!e.IsTerminal && e.FailsWithoutResult)
        {
            e.StartTime ??= now;
            e.State = FakeExecutionState.Failed;
            e.Message = $"Task {e.Id}-0 failed with exit code: 1 and message: runner failed before writing a result.";
            e.CompletionTime = now;
        }

        if (e.State == FakeExecutionState.Pending && AutoStartAfter is { } start && now - e.CreateTime >= start)
        {
            e.State = FakeExecutionState.Running;
            e.StartTime = now;
        }

        if (!e.IsTerminal && AutoCompleteAfter is { } complete && now - e.CreateTime >= complete)
        {
            e.StartTime ??= now;
            e.State = FakeExecutionState.Succeeded;
            e.CompletionTime = now;
        }

        if (e.IsTerminal && ExecutionRetention is { } keep && e.CompletionTime is { } done && now - done >= keep)
        {
            e.Expired = true;
        }
    }

    /// <summary>Deletes a job's oldest completed executions past <see cref="RetainedExecutionsPerJob"/>. Call under the lock.</summary>
    private void Retain(string jobId)
    {
        var own = _executions.Values.Where(e => e.JobId == jobId).ToList();
        own.ForEach(Advance);
        var completed = own.Where(e => !e.Expired && e.IsTerminal).OrderByDescending(e => e.CompletionTime).ToList();
        foreach (var old in completed.Skip(RetainedExecutionsPerJob))
        {
            old.Expired = true;
        }
    }

    private Task JobNotFoundAsync(HttpContext context, string job) =>
        ErrorAsync(context, 404, "NOT_FOUND", $"Resource '{job}' of kind 'JOB' in region '{Region}' in project '{Project}' does not exist.");

    private Task ExecutionNotFoundAsync(HttpContext context, string id) =>
        ErrorAsync(context, 404, "NOT_FOUND", $"Resource '{id}' of kind 'EXECUTION' in region '{Region}' in project '{Project}' does not exist.");

    private async Task CreateJobAsync(HttpContext context, IReadOnlyDictionary<string, string> query)
    {
        if (!query.TryGetValue("jobId", out var jobId) || jobId.Length == 0)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", "jobId is required.");
            return;
        }

        var body = await ReadJsonAsync(context) as JsonObject ?? [];
        if ((CloudRunSchema.JobId(jobId) ?? CloudRunSchema.Job(body)) is { } invalid)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", invalid);
            return;
        }

        FakeOperation? operation = null;
        lock (_lock)
        {
            if (!_jobs.ContainsKey(jobId))
            {
                var job = new FakeJob($"{Parent}/jobs/{jobId}", jobId, body, Time.GetUtcNow(), JobReadyAfterPolls);
                _jobs[jobId] = job;
                operation = NewOperation("create", job.Name);
            }
        }

        if (operation is null)
        {
            await ErrorAsync(context, 409, "ALREADY_EXISTS", $"Resource '{jobId}' already exists.");
            return;
        }

        await JsonAsync(context, OperationJson(operation));
    }

    private async Task GetJobAsync(HttpContext context, string jobId)
    {
        JsonObject? json = null;
        lock (_lock)
        {
            if (_jobs.TryGetValue(jobId, out var job))
            {
                job.PollsUntilReady--;
                json = JobJson(job);
            }
        }

        await (json is null ? JobNotFoundAsync(context, jobId) : JsonAsync(context, json));
    }

    private async Task ListJobsAsync(HttpContext context, IReadOnlyDictionary<string, string> query)
    {
        List<JsonObject> all;
        lock (_lock)
        {
            all = [.. _jobs.Values.OrderBy(j => j.Id, StringComparer.Ordinal).Select(JobJson)];
        }

        await JsonAsync(context, Page(all, "jobs", query));
    }

    private async Task DeleteJobAsync(HttpContext context, string jobId)
    {
        FakeOperation? operation = null;
        JsonObject? job = null;
        lock (_lock)
        {
            if (_jobs.Remove(jobId, out var removed))
            {
                job = JobJson(removed);
                operation = NewOperation("delete", removed.Name);
                operation.Snapshot = job;
            }
        }

        await (operation is null ? JobNotFoundAsync(context, jobId) : JsonAsync(context, OperationJson(operation)));
    }

    private async Task RunAsync(HttpContext context, string jobId)
    {
        var body = await ReadJsonAsync(context);
        var overrides = body?["overrides"];
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        var created = new List<FakeExecution>();
        FakeOperation? operation = null;
        var ambiguous = Roll() < AmbiguousRunFraction;
        var duplicate = Roll() < DuplicateRunFraction;
        string? invalid = null;
        lock (_lock)
        {
            if (_jobs.TryGetValue(jobId, out var job) && (invalid = CloudRunSchema.Run(body, job.Body)) is null)
            {
                var container = job.Body["template"]?["template"]?["containers"]?[0];
                foreach (var variable in container?["env"]?.AsArray() ?? [])
                {
                    if (variable?["value"] is { } value)
                    {
                        env[variable["name"]!.GetValue<string>()] = value.GetValue<string>();
                    }
                }

                foreach (var variable in overrides?["containerOverrides"]?[0]?["env"]?.AsArray() ?? [])
                {
                    env[variable!["name"]!.GetValue<string>()] = variable["value"]?.GetValue<string>() ?? string.Empty;
                }

                var timeout = overrides?["timeout"]?.GetValue<string>() ?? job.Body["template"]?["template"]?["timeout"]?.GetValue<string>() ?? "600s";
                for (var i = 0; i < (duplicate ? 2 : 1); i++)
                {
                    var execution = new FakeExecution(
                        $"{job.Name}/executions/{jobId}-{NewSuffix()}", jobId, env, timeout, Time.GetUtcNow(), duplicate: i > 0, failsWithoutResult: Roll() < FailWithoutResultFraction);
                    _executions[execution.Name] = execution;
                    job.ExecutionCount++;
                    job.Latest = execution;
                    created.Add(execution);
                }

                operation = NewOperation("run", created[0].Name);
                Retain(jobId);
            }
        }

        if (invalid is not null)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", invalid);
            return;
        }

        foreach (var execution in created.Where(e => !e.FailsWithoutResult))
        {
            ExecutionCreated?.Invoke(execution);
        }

        if (operation is null)
        {
            await JobNotFoundAsync(context, jobId);
        }
        else if (ambiguous)
        {
            await ErrorAsync(context, 503, "UNAVAILABLE", "The service is currently unavailable (injected after the execution was created).");
        }
        else
        {
            await JsonAsync(context, OperationJson(operation));
        }
    }

    private async Task GetExecutionAsync(HttpContext context, string jobId, string id)
    {
        JsonObject? json = null;
        lock (_lock)
        {
            if (_executions.TryGetValue($"{Parent}/jobs/{jobId}/executions/{id}", out var e))
            {
                Advance(e);
                json = e.Expired ? null : ExecutionJson(e);
            }
        }

        await (json is null ? ExecutionNotFoundAsync(context, id) : JsonAsync(context, json));
    }

    private async Task ListExecutionsAsync(HttpContext context, string jobId, IReadOnlyDictionary<string, string> query)
    {
        List<JsonObject> all;
        lock (_lock)
        {
            foreach (var e in _executions.Values)
            {
                Advance(e);
            }

            all = [.. _executions.Values
                .Where(e => !e.Expired && (jobId == "-" || e.JobId == jobId))
                .OrderByDescending(e => e.CreateTime).ThenByDescending(e => e.Name, StringComparer.Ordinal)
                .Select(ExecutionJson)];
        }

        await JsonAsync(context, Page(all, "executions", query));
    }

    private async Task CancelAsync(HttpContext context, string jobId, string id)
    {
        FakeOperation? operation = null;
        var finished = false;
        lock (_lock)
        {
            if (_executions.TryGetValue($"{Parent}/jobs/{jobId}/executions/{id}", out var e))
            {
                Advance(e);
                finished = !e.Expired && e.IsTerminal;
                if (!e.Expired && !finished)
                {
                    Finish(e, FakeExecutionState.Cancelled, "Cancelled by user.");
                    operation = NewOperation("cancel", e.Name);
                }
            }
        }

        if (finished)
        {
            await ErrorAsync(context, 400, "FAILED_PRECONDITION", $"Execution {id} is not running.");
        }
        else if (operation is null)
        {
            await ExecutionNotFoundAsync(context, id);
        }
        else
        {
            await JsonAsync(context, OperationJson(operation));
        }
    }

    private async Task GetOperationAsync(HttpContext context, string id)
    {
        JsonObject? json = null;
        lock (_lock)
        {
            if (_operations.TryGetValue($"{Parent}/operations/{id}", out var operation))
            {
                if (operation.Kind == "create" && _jobs.Values.FirstOrDefault(j => j.Name == operation.Target) is { } job)
                {
                    job.PollsUntilReady--;
                }

                json = OperationJson(operation);
            }
        }

        await (json is null ? ErrorAsync(context, 404, "NOT_FOUND", $"Operation {id} not found.") : JsonAsync(context, json));
    }

    private JsonObject Page(List<JsonObject> all, string property, IReadOnlyDictionary<string, string> query)
    {
        var size = Math.Min(MaxPageSize, query.TryGetValue("pageSize", out var s) ? int.Parse(s, CultureInfo.InvariantCulture) : MaxPageSize);
        var offset = query.TryGetValue("pageToken", out var token) ? int.Parse(token, CultureInfo.InvariantCulture) : 0;
        var page = all.Skip(offset).Take(size).ToList();
        var body = new JsonObject();
        if (page.Count > 0)
        {
            body[property] = new JsonArray([.. page]);
        }

        if (offset + size < all.Count)
        {
            body["nextPageToken"] = Count(offset + size);
        }

        return body;
    }

    private string NewSuffix()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        while (true)
        {
            var suffix = new string([.. Enumerable.Range(0, 5).Select(_ => alphabet[_names.Next(alphabet.Length)])]);
            if (!_executions.Keys.Any(k => k.EndsWith("-" + suffix, StringComparison.Ordinal)))
            {
                return suffix;
            }
        }
    }

    private FakeOperation NewOperation(string kind, string target)
    {
        var operation = new FakeOperation($"{Parent}/operations/{Guid.NewGuid()}", kind, target);
        _operations[operation.Name] = operation;
        return operation;
    }

    private JsonObject OperationJson(FakeOperation operation)
    {
        var json = new JsonObject { ["name"] = operation.Name };
        switch (operation.Kind)
        {
            case "create" when _jobs.Values.FirstOrDefault(j => j.Name == operation.Target) is { } job:
                var jobJson = JobJson(job);
                json["metadata"] = WithType(jobJson, JobType);
                if (job.PollsUntilReady <= 0)
                {
                    json["done"] = true;
                    json["response"] = WithType((JsonObject)jobJson.DeepClone(), JobType);
                }

                break;
            case "delete":
                json["metadata"] = WithType((JsonObject)operation.Snapshot!.DeepClone(), JobType);
                json["done"] = true;
                json["response"] = WithType((JsonObject)operation.Snapshot!.DeepClone(), JobType);
                break;
            case "run" or "cancel" when _executions.GetValueOrDefault(operation.Target) is { } e:
                Advance(e);
                var executionJson = ExecutionJson(e);
                json["metadata"] = WithType(executionJson, ExecutionType);
                if (e.IsTerminal)
                {
                    json["done"] = true;
                    if (e.State == FakeExecutionState.Failed)
                    {
                        json["error"] = new JsonObject { ["code"] = 10, ["message"] = e.Message };
                    }
                    else
                    {
                        json["response"] = WithType((JsonObject)executionJson.DeepClone(), ExecutionType);
                    }
                }

                break;
        }

        return json;
    }

    private static JsonObject WithType(JsonObject resource, string type)
    {
        var typed = new JsonObject { ["@type"] = type };
        foreach (var (key, value) in resource)
        {
            typed[key] = value?.DeepClone();
        }

        return typed;
    }

    private JsonObject JobJson(FakeJob job)
    {
        var ready = job.PollsUntilReady <= 0;
        var json = new JsonObject
        {
            ["name"] = job.Name,
            ["uid"] = job.Uid,
            ["generation"] = "1",
            ["labels"] = job.Body["labels"]?.DeepClone() ?? new JsonObject(),
            ["createTime"] = Timestamp(job.Created),
            ["updateTime"] = Timestamp(job.Created),
            ["client"] = job.Body["client"]?.DeepClone(),
            ["launchStage"] = "GA",
            ["template"] = job.Body["template"]?.DeepClone(),
            ["observedGeneration"] = ready ? "1" : null,
            ["terminalCondition"] = new JsonObject
            {
                ["type"] = "Ready",
                ["state"] = ready ? "CONDITION_SUCCEEDED" : "CONDITION_RECONCILING",
                ["lastTransitionTime"] = Timestamp(job.Created),
            },
            ["etag"] = $"\"{job.Uid}\"",
        };
        if (!ready)
        {
            json["reconciling"] = true;
        }

        if (job.ExecutionCount > 0)
        {
            json["executionCount"] = job.ExecutionCount;
        }

        if (job.Latest is { } latest)
        {
            json["latestCreatedExecution"] = new JsonObject
            {
                ["name"] = latest.Name,
                ["createTime"] = Timestamp(latest.CreateTime),
                ["completionStatus"] = latest.State switch
                {
                    FakeExecutionState.Pending => "EXECUTION_PENDING",
                    FakeExecutionState.Running => "EXECUTION_RUNNING",
                    FakeExecutionState.Succeeded => "EXECUTION_SUCCEEDED",
                    FakeExecutionState.Failed => "EXECUTION_FAILED",
                    _ => "EXECUTION_CANCELLED",
                },
            };
        }

        foreach (var key in json.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            json.Remove(key);
        }

        return json;
    }

    private JsonObject ExecutionJson(FakeExecution e)
    {
        var env = new JsonArray([.. e.Environment.Select(v => (JsonNode)new JsonObject { ["name"] = v.Key, ["value"] = v.Value })]);
        var json = new JsonObject
        {
            ["name"] = e.Name,
            ["uid"] = Guid.NewGuid().ToString(),
            ["generation"] = "1",
            ["observedGeneration"] = "1",
            ["createTime"] = Timestamp(e.CreateTime),
            ["job"] = e.JobId,
            ["launchStage"] = "GA",
            ["parallelism"] = 1,
            ["taskCount"] = 1,
            ["template"] = new JsonObject
            {
                ["containers"] = new JsonArray(new JsonObject { ["name"] = "runner", ["env"] = env }),
                ["maxRetries"] = 0,
                ["timeout"] = e.Timeout,
            },
            ["logUri"] = $"https://console.cloud.google.com/logs/viewer?project={Project}",
            ["etag"] = $"\"{e.Id}\"",
        };
        if (e.StartTime is { } started)
        {
            json["startTime"] = Timestamp(started);
        }

        if (e.CompletionTime is { } completed)
        {
            json["completionTime"] = Timestamp(completed);
        }
        else
        {
            json["reconciling"] = true;
        }

        // proto3 JSON omits zero counts.
        switch (e.State)
        {
            case FakeExecutionState.Running:
                json["runningCount"] = 1;
                break;
            case FakeExecutionState.Succeeded:
                json["succeededCount"] = 1;
                break;
            case FakeExecutionState.Failed:
                json["failedCount"] = 1;
                break;
            case FakeExecutionState.Cancelled:
                json["cancelledCount"] = 1;
                break;
        }

        var completedCondition = new JsonObject
        {
            ["type"] = "Completed",
            ["state"] = e.State switch
            {
                FakeExecutionState.Succeeded => "CONDITION_SUCCEEDED",
                FakeExecutionState.Failed or FakeExecutionState.Cancelled => "CONDITION_FAILED",
                FakeExecutionState.Running => "CONDITION_RECONCILING",
                _ => "CONDITION_PENDING",
            },
            ["lastTransitionTime"] = Timestamp(e.CompletionTime ?? e.StartTime ?? e.CreateTime),
        };
        if (e.State == FakeExecutionState.Failed)
        {
            completedCondition["executionReason"] = "NON_ZERO_EXIT_CODE";
            completedCondition["message"] = e.Message;
            completedCondition["severity"] = "ERROR";
        }
        else if (e.State == FakeExecutionState.Cancelled)
        {
            completedCondition["executionReason"] = "CANCELLED";
            completedCondition["message"] = e.Message ?? "Cancelled by user.";
        }
        else if (e.State == FakeExecutionState.Succeeded)
        {
            completedCondition["message"] = "Execution completed successfully.";
        }

        json["conditions"] = new JsonArray(
            new JsonObject { ["type"] = "ResourcesAvailable", ["state"] = "CONDITION_SUCCEEDED" },
            new JsonObject { ["type"] = "Started", ["state"] = e.StartTime is null ? "CONDITION_PENDING" : "CONDITION_SUCCEEDED" },
            completedCondition);
        return json;
    }

    private sealed class FakeJob(string name, string id, JsonObject body, DateTimeOffset created, int pollsUntilReady)
    {
        public string Name { get; } = name;

        public string Id { get; } = id;

        public string Uid { get; } = Guid.NewGuid().ToString();

        public JsonObject Body { get; } = body;

        public DateTimeOffset Created { get; } = created;

        public int PollsUntilReady { get; set; } = pollsUntilReady;

        public int ExecutionCount { get; set; }

        public FakeExecution? Latest { get; set; }
    }

    private sealed class FakeOperation(string name, string kind, string target)
    {
        public string Name { get; } = name;

        public string Kind { get; } = kind;

        public string Target { get; } = target;

        public JsonObject? Snapshot { get; set; }
    }
}
