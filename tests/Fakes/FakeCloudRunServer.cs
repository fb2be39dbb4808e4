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
/// <see cref="Expire"/>, or task by task with <see cref="StartTask"/> and <see cref="CompleteTask"/>) or by
/// timing (<see cref="AutoStartAfter"/>, <see cref="AutoCompleteAfter"/>, <see cref="ExecutionRetention"/>).
/// <see cref="ExecutionCreated"/> lets a test play the runner. An execution has <c>overrides.taskCount</c>
/// tasks (else the job's); its state and counts follow its tasks (see <see cref="FakeExecution"/>).
/// Optional limits answer 429 RESOURCE_EXHAUSTED as Cloud Run does: <see cref="RunRequestsPerMinute"/> and
/// <see cref="MaxRunningExecutions"/>.
/// Endpoint names: <c>jobs.create</c>, <c>jobs.get</c>, <c>jobs.list</c>, <c>jobs.delete</c>,
/// <c>jobs.run</c>, <c>executions.get</c>, <c>executions.list</c>, <c>executions.cancel</c>,
/// <c>tasks.list</c>, <c>operations.get</c>.
/// </remarks>
public sealed class FakeCloudRunServer : LoopbackServer
{
    private const string ExecutionType = "type.googleapis.com/google.cloud.run.v2.Execution";
    private const string JobType = "type.googleapis.com/google.cloud.run.v2.Job";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, FakeJob> _jobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeExecution> _executions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeOperation> _operations = new(StringComparer.Ordinal);
    private readonly Queue<DateTimeOffset> _acceptedRuns = new();
    private JsonObject? _lastRunBody;
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

    /// <summary>Raised (outside the fake's lock) for each execution a <c>:run</c> creates, unless it fails without a result.
    /// A handler playing the runner of a pack plays each task but those with <see cref="FakeTask.DiesWithoutResult"/>.</summary>
    public event Action<FakeExecution>? ExecutionCreated;

    /// <summary>Project served.</summary>
    public string Project { get; }

    /// <summary>Region served.</summary>
    public string Region { get; }

    /// <summary>Reads of a new job (or its create operation) before it is Ready.</summary>
    public int JobReadyAfterPolls { get; set; } = 1;

    /// <summary>Pending executions start by themselves this long after creation (null: only by <see cref="Start"/>);
    /// from then on each read starts pending tasks as the execution's parallelism frees room.</summary>
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

    /// <summary>Fraction of tasks that fail (exit code 1) without their runner doing anything; the others of their execution carry on.</summary>
    /// <remarks>Rolled per task only when above 0, so the other faults' seeded decisions stay what they were.</remarks>
    public double TaskDiesWithoutResultFraction { get; set; }

    /// <summary><c>:run</c> requests accepted per minute (a sliding minute of the fake's clock); beyond it 429
    /// RESOURCE_EXHAUSTED, as the "Job run requests per minute per region" quota answers. Null: no quota.</summary>
    /// <remarks>Refused requests do not count; no Retry-After is sent (Google's quota errors carry none), so a client
    /// falls back to its own wait.</remarks>
    public int? RunRequestsPerMinute { get; set; }

    /// <summary>Executions that may be unfinished at once in this project and region; a <c>:run</c> beyond it is answered
    /// 429 RESOURCE_EXHAUSTED naming the limit. Null: no limit; Cloud Run's is <see cref="CloudRunRunningExecutionsLimit"/>.</summary>
    public int? MaxRunningExecutions { get; set; }

    /// <summary>Cloud Run's limit of running job executions per project and region.</summary>
    public const int CloudRunRunningExecutionsLimit = 1_000;

    /// <summary>Completed executions a job keeps; older ones are deleted (404), as Cloud Run keeps the last 1,000.</summary>
    public int RetainedExecutionsPerJob { get; set; } = 1_000;

    /// <summary>Largest page a listing returns.</summary>
    public int MaxPageSize { get; set; } = 100;

    /// <summary>The body of the last <c>:run</c> request that reached the handler (what the adapter sent), or null.</summary>
    public JsonObject? LastRunBody
    {
        get
        {
            lock (_lock)
            {
                return (JsonObject?)_lastRunBody?.DeepClone();
            }
        }
    }

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

    /// <summary>Moves an execution to running: starts pending tasks, as many as its parallelism leaves room for.</summary>
    /// <param name="nameOrId">Name or id.</param>
    public void Start(string nameOrId) => Mutate(nameOrId, e =>
    {
        if (!e.IsTerminal)
        {
            StartTasks(e);
        }
    });

    /// <summary>Completes an execution (starting it first if needed): every unfinished task ends as asked.</summary>
    /// <param name="nameOrId">Name or id.</param>
    /// <param name="succeeded">Success, or failure with a non-zero exit code.</param>
    /// <param name="message">Failure message.</param>
    public void Complete(string nameOrId, bool succeeded = true, string? message = null) => Mutate(nameOrId, e =>
    {
        if (!e.IsTerminal)
        {
            var now = Time.GetUtcNow();
            foreach (var task in e.Tasks)
            {
                task.End(
                    succeeded ? FakeExecutionState.Succeeded : FakeExecutionState.Failed, succeeded ? 0 : 1,
                    succeeded ? null : message ?? $"Task {e.Id}-{task.Index} failed with exit code: 1.", now);
            }

            e.Settle(now);
        }
    });

    /// <summary>Starts one pending task of an execution (whatever its parallelism: the test decides).</summary>
    /// <param name="nameOrId">Name or id.</param>
    /// <param name="index">Task index.</param>
    public void StartTask(string nameOrId, int index) => Mutate(nameOrId, e =>
    {
        if (!e.IsTerminal)
        {
            e.Tasks[index].Start(Time.GetUtcNow());
            e.Settle(Time.GetUtcNow());
        }
    });

    /// <summary>Ends one task of an execution (starting it first if needed); the execution ends when its last task does.</summary>
    /// <param name="nameOrId">Name or id.</param>
    /// <param name="index">Task index.</param>
    /// <param name="exitCode">0 for success; anything else fails the task.</param>
    /// <param name="message">Failure message.</param>
    public void CompleteTask(string nameOrId, int index, int exitCode = 0, string? message = null) => Mutate(nameOrId, e =>
    {
        if (!e.IsTerminal)
        {
            var now = Time.GetUtcNow();
            e.Tasks[index].End(
                exitCode == 0 ? FakeExecutionState.Succeeded : FakeExecutionState.Failed, exitCode,
                exitCode == 0 ? null : message ?? $"Task {e.Id}-{index} failed with exit code: {exitCode}.", now);
            e.Settle(now);
        }
    });

    /// <summary>Drops an execution as retention does: it answers 404 from now on.</summary>
    /// <param name="nameOrId">Name or id.</param>
    public void Expire(string nameOrId) => Mutate(nameOrId, e => e.Expired = true);

    /// <summary>Executions not yet terminal (timing rules applied first), as the running-executions limit counts them.</summary>
    /// <returns>How many.</returns>
    public int RunningExecutionCount()
    {
        lock (_lock)
        {
            return UnfinishedCount();
        }
    }

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
            ("GET", ["jobs", var job, "executions", var id, "tasks"]) => Serve(context, "tasks.list", () => ListTasksAsync(context, job, id, query)),
            ("POST", ["jobs", var job, "executions", var cancel]) when cancel.EndsWith(":cancel", StringComparison.Ordinal) =>
                Serve(context, "executions.cancel", () => CancelAsync(context, job, cancel[..^7])),
            ("GET", ["operations", var id]) => Serve(context, "operations.get", () => GetOperationAsync(context, id)),
            _ => null,
        };
        await (handled ?? ErrorAsync(context, 404, "NOT_FOUND", $"No route for {method} {string.Join('/', rest)}."));
    }

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Starts pending tasks in index order while fewer than the parallelism run (0: all). Call under the lock.</summary>
    private void StartTasks(FakeExecution e)
    {
        var now = Time.GetUtcNow();
        var room = e.Parallelism == 0 ? e.TaskCount : e.Parallelism - e.CountOf(FakeExecutionState.Running);
        foreach (var task in e.Tasks.Where(t => t.State == FakeExecutionState.Pending).Take(Math.Max(0, room)).ToList())
        {
            task.Start(now);
        }

        e.Settle(now);
    }

    /// <summary>Unfinished executions after the timing rules. Call under the lock.</summary>
    private int UnfinishedCount()
    {
        var count = 0;
        foreach (var e in _executions.Values.Where(e => !e.IsTerminal))
        {
            Advance(e);
            count += e.IsTerminal ? 0 : 1;
        }

        return count;
    }

    /// <summary>The quota or limit a <c>:run</c> now would exceed, or null (counting it when accepted). Call under the lock.</summary>
    private string? RefuseRun()
    {
        var now = Time.GetUtcNow();
        if (RunRequestsPerMinute is { } quota)
        {
            while (_acceptedRuns.Count > 0 && now - _acceptedRuns.Peek() >= TimeSpan.FromMinutes(1))
            {
                _acceptedRuns.Dequeue();
            }

            if (_acceptedRuns.Count >= quota)
            {
                return $"Quota exceeded for quota metric 'Job run requests' and limit 'Job run requests per minute per region' of service 'run.googleapis.com' for consumer 'project:{Project}' (limit {quota}).";
            }
        }

        if (MaxRunningExecutions is { } limit && UnfinishedCount() >= limit)
        {
            return $"Quota exceeded: limit 'Running job executions per project per region' of {limit} reached in region '{Region}' of project '{Project}'.";
        }

        if (RunRequestsPerMinute is not null)
        {
            _acceptedRuns.Enqueue(now);
        }

        return null;
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
        if (!e.IsTerminal)
        {
            foreach (var task in e.Tasks.Where(t => e.FailsWithoutResult || t.DiesWithoutResult))
            {
                task.End(FakeExecutionState.Failed, 1, $"Task {e.Id}-{task.Index} failed with exit code: 1 and message: runner failed before writing a result.", now);
            }

            e.Settle(now);
        }

        if (!e.IsTerminal && AutoStartAfter is { } start && now - e.CreateTime >= start)
        {
            StartTasks(e);
        }

        if (!e.IsTerminal && AutoCompleteAfter is { } complete && now - e.CreateTime >= complete)
        {
            foreach (var task in e.Tasks)
            {
                task.End(FakeExecutionState.Succeeded, 0, null, now);
            }

            e.Settle(now);
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
        string? refused = null;
        lock (_lock)
        {
            _lastRunBody = body?.DeepClone() as JsonObject;
            if (_jobs.TryGetValue(jobId, out var job) && (invalid = CloudRunSchema.Run(body, job.Body)) is null && (refused = RefuseRun()) is null)
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
                var taskCount = CloudRunSchema.Int32(overrides?["taskCount"]) ?? CloudRunSchema.Int32(job.Body["template"]?["taskCount"]) ?? 1;
                var parallelism = CloudRunSchema.Int32(job.Body["template"]?["parallelism"]) ?? 0;
                Func<bool>? taskDies = TaskDiesWithoutResultFraction > 0 ? () => Roll() < TaskDiesWithoutResultFraction : null;
                for (var i = 0; i < (duplicate ? 2 : 1); i++)
                {
                    var execution = new FakeExecution(
                        $"{job.Name}/executions/{jobId}-{NewSuffix()}", jobId, env, timeout, Time.GetUtcNow(), duplicate: i > 0,
                        failsWithoutResult: Roll() < FailWithoutResultFraction, taskCount, parallelism, taskDies);
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

        if (refused is not null)
        {
            await ErrorAsync(context, 429, "RESOURCE_EXHAUSTED", refused);
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

    private async Task ListTasksAsync(HttpContext context, string jobId, string id, IReadOnlyDictionary<string, string> query)
    {
        List<JsonObject>? all = null;
        lock (_lock)
        {
            if (_executions.TryGetValue($"{Parent}/jobs/{jobId}/executions/{id}", out var e))
            {
                Advance(e);
                all = e.Expired ? null : [.. e.Tasks.Select(t => TaskJson(e, t))];
            }
        }

        await (all is null ? ExecutionNotFoundAsync(context, id) : JsonAsync(context, Page(all, "tasks", query)));
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
                    e.Cancel("Cancelled by user.", Time.GetUtcNow());
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
            ["parallelism"] = e.Parallelism,
            ["taskCount"] = e.TaskCount,
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
        foreach (var (field, state) in new[]
        {
            ("runningCount", FakeExecutionState.Running), ("succeededCount", FakeExecutionState.Succeeded),
            ("failedCount", FakeExecutionState.Failed), ("cancelledCount", FakeExecutionState.Cancelled),
        })
        {
            if (e.CountOf(state) is > 0 and var count)
            {
                json[field] = count;
            }
        }

        if (e.Parallelism == 0)
        {
            json.Remove("parallelism");
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

    /// <summary>A Task resource: index, times, last attempt result and a <c>Completed</c> condition shaped as the execution's.</summary>
    private JsonObject TaskJson(FakeExecution e, FakeTask t)
    {
        var json = new JsonObject
        {
            ["name"] = t.Name,
            ["uid"] = Guid.NewGuid().ToString(),
            ["generation"] = "1",
            ["observedGeneration"] = "1",
            ["createTime"] = Timestamp(e.CreateTime),
            ["scheduledTime"] = Timestamp(e.CreateTime),
            ["job"] = e.JobId,
            ["execution"] = e.Id,
            ["index"] = t.Index,
            ["maxRetries"] = 0,
            ["timeout"] = e.Timeout,
            ["logUri"] = $"https://console.cloud.google.com/logs/viewer?project={Project}",
            ["etag"] = $"\"{t.Index}\"",
        };
        if (t.Index == 0)
        {
            // proto3 JSON omits the zero index.
            json.Remove("index");
        }

        if (t.StartTime is { } started)
        {
            json["startTime"] = Timestamp(started);
        }

        if (t.CompletionTime is { } completed)
        {
            json["completionTime"] = Timestamp(completed);
            var result = new JsonObject();
            if (t.State == FakeExecutionState.Cancelled)
            {
                result["status"] = new JsonObject { ["code"] = 1, ["message"] = t.Message };
            }
            else if (t.ExitCode is { } exit and not 0)
            {
                result["exitCode"] = exit;
                result["status"] = new JsonObject { ["code"] = 2, ["message"] = t.Message };
            }

            json["lastAttemptResult"] = result;
        }
        else
        {
            json["reconciling"] = true;
        }

        var condition = new JsonObject
        {
            ["type"] = "Completed",
            ["state"] = t.State switch
            {
                FakeExecutionState.Succeeded => "CONDITION_SUCCEEDED",
                FakeExecutionState.Failed or FakeExecutionState.Cancelled => "CONDITION_FAILED",
                FakeExecutionState.Running => "CONDITION_RECONCILING",
                _ => "CONDITION_PENDING",
            },
            ["lastTransitionTime"] = Timestamp(t.CompletionTime ?? t.StartTime ?? e.CreateTime),
        };
        if (t.State == FakeExecutionState.Failed)
        {
            condition["executionReason"] = "NON_ZERO_EXIT_CODE";
            condition["message"] = t.Message;
            condition["severity"] = "ERROR";
        }
        else if (t.State == FakeExecutionState.Cancelled)
        {
            condition["executionReason"] = "CANCELLED";
            condition["message"] = t.Message;
        }

        json["conditions"] = new JsonArray(
            new JsonObject { ["type"] = "Started", ["state"] = t.StartTime is null ? "CONDITION_PENDING" : "CONDITION_SUCCEEDED" },
            condition);
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
