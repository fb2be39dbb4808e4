using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Orchestration.Fakes;

/// <summary>The request rules of the Cloud Run Admin API v2 that <see cref="FakeCloudRunServer"/> enforces, so a
/// request the real service would refuse fails a test here too. Each method returns the INVALID_ARGUMENT message
/// of the first rule broken, or null.</summary>
/// <remarks>Written from the API's resource docs and protos (job ids and labels as resource names and GCP labels,
/// <c>google.protobuf.Duration</c> JSON, the enums of job.proto / execution_template.proto, <c>SecretKeySelector</c>,
/// the documented cpu/memory combinations), independently of the product's own validation.</remarks>
public static partial class CloudRunSchema
{
    private static readonly HashSet<string> LaunchStages = ["LAUNCH_STAGE_UNSPECIFIED", "UNIMPLEMENTED", "PRELAUNCH", "EARLY_ACCESS", "ALPHA", "BETA", "GA", "DEPRECATED"];
    private static readonly HashSet<string> ExecutionEnvironments = ["EXECUTION_ENVIRONMENT_UNSPECIFIED", "EXECUTION_ENVIRONMENT_GEN1", "EXECUTION_ENVIRONMENT_GEN2"];

    /// <summary>Longest task timeout Cloud Run accepts (168 h).</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(168);

    /// <summary>Checks a job id (<c>jobs.create?jobId=</c>).</summary>
    /// <param name="jobId">The id.</param>
    /// <returns>The problem, or null.</returns>
    public static string? JobId(string jobId) => JobIdPattern().IsMatch(jobId)
        ? null
        : $"Invalid jobId '{jobId}': must be 1-63 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen.";

    /// <summary>Checks a job create body.</summary>
    /// <param name="body">The body.</param>
    /// <returns>The problem, or null.</returns>
    public static string? Job(JsonObject body) =>
        Labels(body["labels"], "labels")
        ?? Enum(body["launchStage"], LaunchStages, "launch_stage")
        ?? (body["template"] is JsonObject template ? ExecutionTemplate(template) : "template is required.");

    /// <summary>Checks a <c>:run</c> body against the job it runs.</summary>
    /// <param name="body">The body (null: none).</param>
    /// <param name="job">The job's create body.</param>
    /// <returns>The problem, or null.</returns>
    public static string? Run(JsonNode? body, JsonObject job)
    {
        var overrides = body?["overrides"];
        if (overrides is null)
        {
            return null;
        }

        var containers = (job["template"]?["template"]?["containers"]?.AsArray() ?? []).Select(c => c?["name"]?.GetValue<string>() ?? string.Empty).ToList();
        foreach (var container in overrides["containerOverrides"]?.AsArray() ?? [])
        {
            var name = container?["name"]?.GetValue<string>() ?? string.Empty;
            if (name.Length == 0 ? containers.Count != 1 : !containers.Contains(name))
            {
                return $"overrides.container_overrides: container '{name}' does not exist in the job.";
            }

            if (Env(container?["env"], "overrides.container_overrides.env", allowSecrets: false) is { } problem)
            {
                return problem;
            }
        }

        return TaskCount(overrides["taskCount"]) ?? Duration(overrides["timeout"], "overrides.timeout");
    }

    /// <summary>Most tasks one execution may hold.</summary>
    public const int MaxTaskCount = 10_000;

    /// <summary>An int32 field's value: a JSON number, or its decimal string as proto3 JSON allows; null when neither.</summary>
    /// <param name="value">The field.</param>
    /// <returns>The value, or null.</returns>
    public static int? Int32(JsonNode? value) =>
        value is JsonValue number && number.TryGetValue<int>(out var n) ? n
        : value is JsonValue text && text.TryGetValue<string>(out var s) && int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : null;

    /// <summary><c>overrides.task_count</c>: an int32 (a JSON number, or its decimal string as proto3 JSON allows) of 1-10000.</summary>
    private static string? TaskCount(JsonNode? value)
    {
        if (value is null)
        {
            return null;
        }

        var count = Int32(value);
        return count is null ? $"Invalid value at 'overrides.task_count' (TYPE_INT32), {value.ToJsonString()}."
            : count is < 1 or > MaxTaskCount ? $"overrides.task_count must be 1-{MaxTaskCount} (got {count})."
            : null;
    }

    private static string? ExecutionTemplate(JsonObject template)
    {
        if (Labels(template["labels"], "template.labels") is { } labels)
        {
            return labels;
        }

        var taskCount = template["taskCount"]?.GetValue<int>() ?? 1;
        var parallelism = template["parallelism"]?.GetValue<int>() ?? 0;
        if (taskCount is < 1 or > 10_000 || parallelism < 0)
        {
            return $"template.task_count must be 1-10000 and parallelism non-negative (got {taskCount}, {parallelism}).";
        }

        if (template["template"] is not JsonObject task)
        {
            return "template.template is required.";
        }

        var maxRetries = task["maxRetries"]?.GetValue<int>() ?? 3;
        if (maxRetries is < 0 or > 10)
        {
            return $"template.template.max_retries must be 0-10 (got {maxRetries}).";
        }

        if (Duration(task["timeout"], "template.template.timeout") is { } timeout)
        {
            return timeout;
        }

        if (Enum(task["executionEnvironment"], ExecutionEnvironments, "template.template.execution_environment") is { } environment)
        {
            return environment;
        }

        var containers = task["containers"]?.AsArray() ?? [];
        if (containers.Count == 0)
        {
            return "template.template.containers: at least one container is required.";
        }

        foreach (var container in containers)
        {
            if (Container(container as JsonObject ?? []) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? Container(JsonObject container)
    {
        if (container["name"]?.GetValue<string>() is { } name && !DnsLabel().IsMatch(name))
        {
            return $"template.template.containers.name '{name}' must be a DNS label.";
        }

        if (string.IsNullOrEmpty(container["image"]?.GetValue<string>()))
        {
            return "template.template.containers.image is required.";
        }

        return Env(container["env"], "template.template.containers.env", allowSecrets: true)
            ?? Limits(container["resources"]?["limits"] as JsonObject);
    }

    private static string? Env(JsonNode? env, string path, bool allowSecrets)
    {
        foreach (var variable in env?.AsArray() ?? [])
        {
            var name = variable?["name"]?.GetValue<string>() ?? string.Empty;
            if (!EnvName().IsMatch(name))
            {
                return $"{path}: '{name}' is not a valid environment variable name.";
            }

            var secret = variable?["valueSource"]?["secretKeyRef"];
            if (secret is null)
            {
                continue;
            }

            if (!allowSecrets)
            {
                return $"{path}: value_source is not allowed in overrides.";
            }

            var secretName = secret["secret"]?.GetValue<string>() ?? string.Empty;
            var version = secret["version"]?.GetValue<string>() ?? string.Empty;
            if (!SecretName().IsMatch(secretName))
            {
                return $"{path}.value_source.secret_key_ref.secret: '{secretName}' must be a secret id or projects/{{project}}/secrets/{{secret}}.";
            }

            if (!SecretVersion().IsMatch(version))
            {
                return $"{path}.value_source.secret_key_ref.version: '{version}' must be a version number, 'latest' or an alias.";
            }
        }

        return null;
    }

    private static string? Limits(JsonObject? limits)
    {
        if (limits is null)
        {
            return null;
        }

        if (limits.Select(p => p.Key).FirstOrDefault(k => k is not ("cpu" or "memory")) is { } other)
        {
            return $"resources.limits: '{other}' is not supported (only cpu and memory).";
        }

        var cpuText = limits["cpu"]?.GetValue<string>() ?? "1";
        int? cpu = cpuText switch
        {
            "1" or "1000m" => 1,
            "2" or "2000m" => 2,
            "4" or "4000m" => 4,
            "8" or "8000m" => 8,
            _ => null,
        };
        if (cpu is null)
        {
            return $"resources.limits.cpu '{cpuText}' is not supported for jobs: use 1, 2, 4 or 8.";
        }

        var memoryText = limits["memory"]?.GetValue<string>() ?? "512Mi";
        var match = Memory().Match(memoryText);
        if (!match.Success)
        {
            return $"resources.limits.memory '{memoryText}' is not a quantity such as 512Mi or 2Gi.";
        }

        var mib = long.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture) * (match.Groups["unit"].Value == "Gi" ? 1024 : 1);
        var (min, max) = cpu switch
        {
            1 => (512, 4 * 1024),
            2 => (512, 8 * 1024),
            4 => (2 * 1024, 16 * 1024),
            _ => (4 * 1024, 32 * 1024),
        };
        return mib < min || mib > max ? $"resources.limits: {memoryText} of memory is not allowed with {cpu} CPU." : null;
    }

    private static string? Labels(JsonNode? labels, string path)
    {
        foreach (var (key, value) in labels as JsonObject ?? [])
        {
            if (!LabelKey().IsMatch(key) || key.Contains("googleapis.com", StringComparison.Ordinal))
            {
                return $"{path}: key '{key}' must be 1-63 lowercase letters, digits, '_' or '-', starting with a letter.";
            }

            if (!LabelValue().IsMatch(value?.GetValue<string>() ?? string.Empty))
            {
                return $"{path}: value of '{key}' must be at most 63 lowercase letters, digits, '_' or '-'.";
            }
        }

        return null;
    }

    private static string? Enum(JsonNode? value, HashSet<string> allowed, string path) =>
        value is null || allowed.Contains(value.GetValue<string>()) ? null : $"Invalid value at '{path}': \"{value.GetValue<string>()}\".";

    private static string? Duration(JsonNode? value, string path)
    {
        if (value is null)
        {
            return null;
        }

        var text = value.GetValue<string>();
        var match = DurationPattern().Match(text);
        if (!match.Success)
        {
            return $"Invalid value at '{path}' (type.googleapis.com/google.protobuf.Duration), \"{text}\".";
        }

        var seconds = decimal.Parse(match.Groups["s"].Value, CultureInfo.InvariantCulture);
        return seconds <= 0 || seconds > (decimal)MaxTimeout.TotalSeconds ? $"{path} must be more than 0s and at most {MaxTimeout.TotalSeconds}s." : null;
    }

    [GeneratedRegex(@"\A[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?\z")]
    private static partial Regex JobIdPattern();

    [GeneratedRegex(@"\A[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?\z")]
    private static partial Regex DnsLabel();

    [GeneratedRegex(@"\A[A-Za-z_][A-Za-z0-9_]*\z")]
    private static partial Regex EnvName();

    [GeneratedRegex(@"\A(?:projects/[a-z0-9-]{1,30}/secrets/)?[A-Za-z0-9_-]{1,255}\z")]
    private static partial Regex SecretName();

    [GeneratedRegex(@"\A(?:[0-9]+|latest|[A-Za-z][A-Za-z0-9_-]{0,62})\z")]
    private static partial Regex SecretVersion();

    [GeneratedRegex(@"\A(?<n>[0-9]+)(?<unit>Mi|Gi)\z")]
    private static partial Regex Memory();

    [GeneratedRegex(@"\A[a-z][a-z0-9_-]{0,62}\z")]
    private static partial Regex LabelKey();

    [GeneratedRegex(@"\A[a-z0-9_-]{0,63}\z")]
    private static partial Regex LabelValue();

    [GeneratedRegex(@"\A(?<s>-?[0-9]+(?:\.[0-9]{1,9})?)s\z")]
    private static partial Regex DurationPattern();
}
