using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestration.Activities.CloudRun;

namespace Orchestration.Adapters.CloudRun;

/// <summary>Proto3-JSON mapping of the few Cloud Run v2 resources the adapter reads and writes.</summary>
internal static class CloudRunJson
{
    private static readonly string[] RpcCodes =
    [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ];

    public static string RpcCodeName(int code) => code >= 0 && code < RpcCodes.Length ? RpcCodes[code] : "UNKNOWN";

    public static string Duration(TimeSpan value) =>
        Math.Ceiling(value.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";

    public static JsonObject JobBody(CloudRunJobSpec spec, string containerName, string clientName)
    {
        // Each item goes in as a JsonNode: Add(JsonNode), not the generic Add<T>, which wraps a value through reflection.
        var env = new JsonArray();
        foreach (var (name, value) in spec.Environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            env.Add((JsonNode)new JsonObject { ["name"] = name, ["value"] = value });
        }

        foreach (var (name, secret) in spec.Secrets.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            env.Add((JsonNode)new JsonObject
            {
                ["name"] = name,
                ["valueSource"] = new JsonObject
                {
                    ["secretKeyRef"] = new JsonObject { ["secret"] = secret.Secret, ["version"] = secret.Version },
                },
            });
        }

        var labels = new JsonObject();
        foreach (var (key, value) in spec.Labels ?? new Dictionary<string, string>())
        {
            labels[key] = value;
        }

        var executionTemplate = new JsonObject { ["taskCount"] = 1 };
        if (spec.Parallelism != 0)
        {
            // 0 (the most Cloud Run allows) is proto3's default: omitted.
            executionTemplate["parallelism"] = spec.Parallelism;
        }

        executionTemplate["template"] = new JsonObject
        {
            ["containers"] = new JsonArray(new JsonObject
            {
                ["name"] = containerName,
                ["image"] = spec.Image,
                ["env"] = env,
                ["resources"] = new JsonObject
                {
                    ["limits"] = new JsonObject { ["cpu"] = spec.Cpu, ["memory"] = spec.Memory },
                },
            }),

            // In a oneof, so 0 is sent explicitly (unset would mean Cloud Run's default of 3).
            ["maxRetries"] = spec.MaxRetries,
            ["timeout"] = Duration(spec.Timeout),
            ["serviceAccount"] = spec.ServiceAccount,
            ["executionEnvironment"] = "EXECUTION_ENVIRONMENT_GEN2",
        };

        return new JsonObject
        {
            ["labels"] = labels,
            ["client"] = clientName,
            ["template"] = executionTemplate,
        };
    }

    public static JsonObject RunBody(string containerName, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, int taskCount = 1)
    {
        var env = new JsonArray();
        foreach (var (name, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            env.Add((JsonNode)new JsonObject { ["name"] = name, ["value"] = value });
        }

        var overrides = new JsonObject
        {
            ["containerOverrides"] = new JsonArray(new JsonObject { ["name"] = containerName, ["env"] = env }),
        };
        if (taskCount != 1)
        {
            // The job template's taskCount is 1: a single run sends the same body as before packs existed.
            overrides["taskCount"] = taskCount;
        }

        overrides["timeout"] = Duration(timeout);
        return new JsonObject { ["overrides"] = overrides };
    }

    public static CloudRunJob ParseJob(JsonElement json)
    {
        var name = json.GetProperty("name").GetString() ?? string.Empty;
        var ready = json.TryGetProperty("terminalCondition", out var condition)
            && condition.TryGetProperty("state", out var state)
            && state.GetString() == "CONDITION_SUCCEEDED";
        var last = json.TryGetProperty("latestCreatedExecution", out var latest) ? Time(latest, "createTime") : null;
        return new CloudRunJob(LastSegment(name), name, ready, Labels(json), Time(json, "createTime"), last);
    }

    /// <summary>Ready, failed (with message) or still reconciling.</summary>
    public static (bool Ready, string? Failure) JobReadiness(JsonElement json)
    {
        if (!json.TryGetProperty("terminalCondition", out var condition) || !condition.TryGetProperty("state", out var state))
        {
            return (false, null);
        }

        return state.GetString() switch
        {
            "CONDITION_SUCCEEDED" => (true, null),
            "CONDITION_FAILED" => (false, Text(condition, "message") ?? Text(condition, "reason") ?? "job is not ready"),
            _ => (false, null),
        };
    }

    public static CloudRunExecution ParseExecution(JsonElement json)
    {
        var name = json.GetProperty("name").GetString() ?? string.Empty;
        var completed = Conditions(json).FirstOrDefault(c => Text(c, "type") == "Completed");
        var completedState = completed.ValueKind == JsonValueKind.Object ? Text(completed, "state") : null;
        var executionReason = completed.ValueKind == JsonValueKind.Object ? Text(completed, "executionReason") : null;
        var counts = (
            Task: Int(json, "taskCount"), Running: Int(json, "runningCount"), Succeeded: Int(json, "succeededCount"),
            Failed: Int(json, "failedCount"), Cancelled: Int(json, "cancelledCount"));
        var completion = Time(json, "completionTime");
        var start = Time(json, "startTime");
        var mapped = completedState switch
        {
            "CONDITION_SUCCEEDED" => CloudRunExecutionState.Succeeded,
            "CONDITION_FAILED" when executionReason == "CANCELLED" => CloudRunExecutionState.Cancelled,
            "CONDITION_FAILED" => CloudRunExecutionState.Failed,
            _ when completion is not null => counts.Cancelled > 0 ? CloudRunExecutionState.Cancelled
                : counts.Failed > 0 ? CloudRunExecutionState.Failed
                : CloudRunExecutionState.Succeeded,
            _ when counts.Running > 0 || start is not null || executionReason == "CANCELLING" => CloudRunExecutionState.Running,
            _ => CloudRunExecutionState.Pending,
        };
        string? failure = null;
        if (mapped is CloudRunExecutionState.Failed or CloudRunExecutionState.Cancelled && completed.ValueKind == JsonValueKind.Object)
        {
            var reason = executionReason ?? Text(completed, "reason");
            var message = Text(completed, "message");
            failure = reason is null ? message : message is null ? reason : $"{reason}: {message}";
        }

        var job = Text(json, "job") is { } j ? LastSegment(j) : JobOfExecution(name);
        return new CloudRunExecution(
            name, LastSegment(name), job, mapped, counts.Task, counts.Running, counts.Succeeded, counts.Failed, counts.Cancelled,
            Int(json, "retriedCount"), Time(json, "createTime"), start, completion, failure, Environment(json));
    }

    /// <summary>Maps a Task resource; the state comes from its <c>Completed</c> condition (as for executions), else
    /// from its times and last attempt result.</summary>
    public static CloudRunTask ParseTask(JsonElement json)
    {
        var name = Text(json, "name") ?? string.Empty;
        var completed = Conditions(json).FirstOrDefault(c => Text(c, "type") == "Completed");
        var completedState = completed.ValueKind == JsonValueKind.Object ? Text(completed, "state") : null;
        var executionReason = completed.ValueKind == JsonValueKind.Object ? Text(completed, "executionReason") : null;
        int? exitCode = null;
        var statusCode = 0;
        if (json.TryGetProperty("lastAttemptResult", out var attempt) && attempt.ValueKind == JsonValueKind.Object)
        {
            exitCode = attempt.TryGetProperty("exitCode", out _) ? Int(attempt, "exitCode") : null;
            statusCode = attempt.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object ? Int(status, "code") : 0;
        }

        var start = Time(json, "startTime");
        var completion = Time(json, "completionTime");
        var state = completedState switch
        {
            "CONDITION_SUCCEEDED" => CloudRunTaskState.Succeeded,
            "CONDITION_FAILED" when executionReason == "CANCELLED" => CloudRunTaskState.Cancelled,
            "CONDITION_FAILED" => CloudRunTaskState.Failed,
            // Without a Completed condition: google.rpc.Code 1 is CANCELLED; any other code or a non-zero exit failed.
            _ when completion is not null => statusCode == 1 ? CloudRunTaskState.Cancelled
                : statusCode != 0 || exitCode is not (null or 0) ? CloudRunTaskState.Failed
                : CloudRunTaskState.Succeeded,
            _ when start is not null => CloudRunTaskState.Running,
            _ => CloudRunTaskState.Pending,
        };
        string? failure = null;
        if (state is CloudRunTaskState.Failed or CloudRunTaskState.Cancelled && completed.ValueKind == JsonValueKind.Object)
        {
            var reason = executionReason ?? Text(completed, "reason");
            var message = Text(completed, "message");
            failure = reason is null ? message : message is null ? reason : $"{reason}: {message}";
        }

        return new CloudRunTask(name, Int(json, "index"), state, exitCode, Int(json, "retried"), start, completion, failure);
    }

    public static string LastSegment(string name) => name[(name.LastIndexOf('/') + 1)..];

    private static string JobOfExecution(string name)
    {
        var parts = name.Split('/');
        var index = Array.IndexOf(parts, "jobs");
        return index >= 0 && index + 1 < parts.Length ? parts[index + 1] : string.Empty;
    }

    private static IEnumerable<JsonElement> Conditions(JsonElement json) =>
        json.TryGetProperty("conditions", out var conditions) && conditions.ValueKind == JsonValueKind.Array
            ? conditions.EnumerateArray()
            : [];

    private static Dictionary<string, string> Labels(JsonElement json)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (json.TryGetProperty("labels", out var map) && map.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in map.EnumerateObject())
            {
                labels[property.Name] = property.Value.GetString() ?? string.Empty;
            }
        }

        return labels;
    }

    private static Dictionary<string, string> Environment(JsonElement json)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (json.TryGetProperty("template", out var template)
            && template.TryGetProperty("containers", out var containers) && containers.ValueKind == JsonValueKind.Array)
        {
            foreach (var container in containers.EnumerateArray())
            {
                if (!container.TryGetProperty("env", out var vars) || vars.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (var variable in vars.EnumerateArray())
                {
                    if (Text(variable, "name") is { } key && Text(variable, "value") is { } value)
                    {
                        env[key] = value;
                    }
                }
            }
        }

        return env;
    }

    private static string? Text(JsonElement json, string property) =>
        json.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>int32 fields come as numbers; tolerate strings; absent means 0 (proto3 omits zeros).</summary>
    private static int Int(JsonElement json, string property) =>
        !json.TryGetProperty(property, out var value) ? 0
        : value.ValueKind == JsonValueKind.String ? int.Parse(value.GetString()!, NumberStyles.Integer, CultureInfo.InvariantCulture)
        : value.GetInt32();

    private static DateTimeOffset? Time(JsonElement json, string property) =>
        Text(json, property) is { } text
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;
}
