using System.Text.Json;
using Orchestration.Domain.Documents;
using Orchestration.Domain.Validation;

namespace Orchestration.Domain.Rejudging;

/// <summary>The rules of one rejudge: per task id, a new <c>pass</c> and/or new flags (<c>flags</c>, or <c>flag</c>
/// for one rule named "flag", as in the batch document). Tasks not named keep their rules.</summary>
/// <remarks>The body is the batch document's task shape cut down to <c>id</c>, <c>pass</c>, <c>flag</c> and
/// <c>flags</c>: <c>{"tasks": [{"id": "review", "flags": {"leak": {"regex": "password\\s*="}}}]}</c>. It is read by
/// the batch document's parser and checked by the same rule checks, so a rule that a submission would refuse is
/// refused here with the same message, at its path in this body.</remarks>
/// <param name="Tasks">The new rules by task id.</param>
/// <param name="Request">The body as sent (what the version reports as its rules).</param>
public sealed record RejudgeRules(IReadOnlyDictionary<string, TaskRules> Tasks, JsonElement Request)
{
    private static readonly HashSet<string> TaskFields = ["id", "pass", "flag", "flags"];

    /// <summary>The rules for a task, or none (keep its own).</summary>
    /// <param name="taskId">The task id.</param>
    /// <returns>The rules, or null.</returns>
    public TaskRules? For(string taskId) => Tasks.GetValueOrDefault(taskId);

    /// <summary>Reads and checks a rejudge body against the batch it rejudges.</summary>
    /// <param name="utf8Json">The body.</param>
    /// <param name="batch">The batch as it ran.</param>
    /// <param name="limits">The host's batch limits (regex and contains lengths).</param>
    /// <returns>The rules, or every problem found (each at its path in the body).</returns>
    public static (RejudgeRules? Rules, IReadOnlyList<ValidationProblem> Problems) Read(ReadOnlySpan<byte> utf8Json, Batch batch, BatchLimits limits)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(limits);
        if (utf8Json.IsEmpty)
        {
            return (null, [new ValidationProblem(JsonPaths.Root, "Send the new rules: {\"tasks\": [{\"id\": \"TASK\", \"pass\": {...}, \"flags\": {...}}]}.")]);
        }

        var problems = new List<ValidationProblem>();
        JsonElement request;
        using (var raw = TryParse(utf8Json, problems))
        {
            if (raw is null)
            {
                return (null, problems);
            }

            CheckFields(raw.RootElement, problems);
            request = raw.RootElement.Clone();
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var parsed = BatchDocumentParser.Parse(utf8Json);
        if (!parsed.Succeeded)
        {
            return (null, parsed.Problems);
        }

        var tasks = parsed.Document.Tasks ?? [];
        if (tasks.Count == 0)
        {
            return (null, [new ValidationProblem("tasks", "Name at least one task with new rules.")]);
        }

        var byId = batch.Tasks.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var rules = new Dictionary<string, TaskRules>(StringComparer.Ordinal);
        var context = new ValidationContext(limits, new BatchDefaults());
        for (var i = 0; i < tasks.Count; i++)
        {
            var path = JsonPaths.Index("tasks", i);
            var task = tasks[i];
            if (task.Id is null || !byId.TryGetValue(task.Id, out var ran))
            {
                context.Add(JsonPaths.Property(path, "id"), task.Id is null
                    ? "Name the task (id)."
                    : $"The batch has no task '{task.Id}'; its tasks are {string.Join(", ", batch.Tasks.Select(t => t.Id))}.");
                continue;
            }

            if (rules.ContainsKey(task.Id))
            {
                context.Add(JsonPaths.Property(path, "id"), $"Task '{task.Id}' is named twice.");
                continue;
            }

            if (task.Pass is null && task.Flag is null && task.Flags is null)
            {
                context.Add(path, "Give a new pass, flag or flags for the task.");
                continue;
            }

            if (task.Pass is not null && ran.Kind == TaskKind.Claude)
            {
                context.Add(JsonPaths.Property(path, "pass"), "pass is for command tasks; a Claude run passes when Claude reports success.");
            }

            BatchValidator.CheckRules(context, path, task);
            rules[task.Id] = new TaskRules(task.Pass?.ExitCodes, Flags(task));
        }

        return context.Problems.Count > 0 ? (null, context.Problems) : (new RejudgeRules(rules, request), []);
    }

    // flag is one rule named "flag"; flags are named rules; together they are the task's new set.
    private static Dictionary<string, FlagRule>? Flags(TaskDocument task)
    {
        if (task.Flag is null && task.Flags is null)
        {
            return null;
        }

        var flags = new Dictionary<string, FlagRule>(StringComparer.Ordinal);
        if (task.Flag is not null)
        {
            flags["flag"] = task.Flag;
        }

        foreach (var (name, rule) in task.Flags ?? new Dictionary<string, FlagRule>())
        {
            flags[name] = rule;
        }

        return flags;
    }

    private static JsonDocument? TryParse(ReadOnlySpan<byte> utf8Json, List<ValidationProblem> problems)
    {
        try
        {
            return JsonDocument.Parse(utf8Json.ToArray(), new JsonDocumentOptions { MaxDepth = BatchJson.MaxDepth * 2 });
        }
        catch (JsonException)
        {
            // The batch parser names the line and column.
            problems.AddRange(BatchDocumentParser.Parse(utf8Json).Problems);
            return null;
        }
    }

    // Only tasks at the top and id/pass/flag/flags in a task: anything else would be a silent no-op.
    private static void CheckFields(JsonElement root, List<ValidationProblem> problems)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new ValidationProblem(JsonPaths.Root, "The rules must be a JSON object with tasks."));
            return;
        }

        foreach (var member in root.EnumerateObject().Where(m => m.Name != "tasks"))
        {
            problems.Add(new ValidationProblem(JsonPaths.Property("", member.Name), "A rejudge takes only tasks (with id, pass, flag, flags)."));
        }

        if (!root.TryGetProperty("tasks", out var tasks) || tasks.ValueKind != JsonValueKind.Array)
        {
            problems.Add(new ValidationProblem("tasks", "List the tasks with new rules."));
            return;
        }

        var i = 0;
        foreach (var task in tasks.EnumerateArray())
        {
            if (task.ValueKind == JsonValueKind.Object)
            {
                foreach (var member in task.EnumerateObject().Where(m => !TaskFields.Contains(m.Name)))
                {
                    problems.Add(new ValidationProblem(JsonPaths.Property(JsonPaths.Index("tasks", i), member.Name),
                        "A rejudge changes only pass, flag and flags; the run itself (command, prompt, inputs, n...) is what it was."));
                }
            }

            i++;
        }
    }
}
