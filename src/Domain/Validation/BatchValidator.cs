using System.Text;
using Orchestration.Domain.Documents;
using Orchestration.Domain.Normalization;

namespace Orchestration.Domain.Validation;

/// <summary>Checks a parsed batch document against every rule and limit, reporting all problems at once.</summary>
/// <remarks>A user fixing a 200-task document should see every mistake in one answer, each located by
/// path, rather than one per round trip. Split by concern into dotted partials.</remarks>
public static partial class BatchValidator
{
    /// <summary>Validates a document.</summary>
    /// <param name="document">The parsed document.</param>
    /// <param name="limits">The limits in force.</param>
    /// <param name="defaults">Host defaults (used to check cpu/memory combinations); built-in when null.</param>
    /// <returns>Every problem found; empty when the document is valid.</returns>
    public static IReadOnlyList<ValidationProblem> Validate(BatchDocument document, BatchLimits limits, BatchDefaults? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(limits);
        var context = new ValidationContext(limits, defaults ?? new BatchDefaults());

        if (document.Id is not null && !BatchIds.IsValid(document.Id))
        {
            context.Add("id", IdMessage("batch"));
        }

        CheckLabels(context, "labels", document.Labels);
        CheckWebhook(context, document.Webhook);
        if (document.MaxParallelRuns is { } parallel && (parallel < 1 || parallel > limits.MaxParallelRuns))
        {
            context.Add("maxParallelRuns", $"Must be between 1 and {limits.MaxParallelRuns}.");
        }

        if (document.MaxCostUsd is { } cap && (cap <= 0 || cap > MaxCostCapUsd))
        {
            context.Add("maxCostUsd", $"Must be more than 0 and at most {MaxCostCapUsd}.");
        }

        if (document.Defaults is { } taskDefaults)
        {
            if (taskDefaults.Id is not null)
            {
                context.Add("defaults.id", "Defaults cannot set an id; every task has its own.");
            }

            CheckFields(context, "defaults", taskDefaults);
        }

        CheckTasks(context, document);
        if (context.InlineBytes > limits.MaxInlineTotalBytes)
        {
            context.Add(JsonPaths.Root, $"Inline inputs total {context.InlineBytes / 1024} KiB; at most {limits.MaxInlineTotalBytes / 1024} KiB are allowed. Move large inputs to bundles, gcs or git.");
        }

        return context.Problems;
    }

    private static void CheckTasks(ValidationContext context, BatchDocument document)
    {
        var tasks = document.Tasks;
        if (tasks is null || tasks.Count == 0)
        {
            context.Add("tasks", "At least one task is required.");
            return;
        }

        if (tasks.Count > context.Limits.MaxTasks)
        {
            context.Add("tasks", $"At most {context.Limits.MaxTasks} tasks per batch; split the batch.");
            return;
        }

        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        long totalRuns = 0;
        for (var i = 0; i < tasks.Count; i++)
        {
            var path = JsonPaths.Index("tasks", i);
            var task = tasks[i];
            if (task is null)
            {
                context.Add(path, "A task must be an object, not null.");
                continue;
            }

            CheckTaskId(context, path, task, seen, i);
            CheckFields(context, path, task);
            var merged = TaskMerger.Merge(document.Defaults, task);
            CheckMerged(context, path, task, merged);
            CheckBudgetBound(context, path, document, merged);
            totalRuns += merged.N ?? 1;
        }

        if (totalRuns > context.Limits.MaxRunsPerBatch)
        {
            context.Add("tasks", $"The batch has {totalRuns} runs; at most {context.Limits.MaxRunsPerBatch} are allowed.");
        }
    }

    private static void CheckTaskId(ValidationContext context, string path, TaskDocument task, Dictionary<string, int> seen, int index)
    {
        var idPath = JsonPaths.Property(path, "id");
        if (task.Id is null)
        {
            context.Add(idPath, "Every task needs an id.");
        }
        else if (!BatchIds.IsValid(task.Id))
        {
            context.Add(idPath, IdMessage("task"));
        }
        else if (seen.TryGetValue(task.Id, out var first))
        {
            context.Add(idPath, $"Duplicate task id '{task.Id}' (also tasks[{first}]; ids are compared ignoring case).");
        }
        else
        {
            seen[task.Id] = index;
        }
    }

    private static string IdMessage(string what) =>
        $"A {what} id is 1 to 64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit.";

    private static void CheckLabels(ValidationContext context, string path, IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is null)
        {
            return;
        }

        if (labels.Count > context.Limits.MaxLabels)
        {
            context.Add(path, $"At most {context.Limits.MaxLabels} labels.");
        }

        foreach (var (key, value) in labels)
        {
            var entry = JsonPaths.Property(path, key);
            if (!BatchIds.IsValid(key))
            {
                context.Add(entry, "A label name is 1 to 64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit.");
            }

            if (value is null)
            {
                context.Add(entry, "A label value must be a string, not null.");
            }
            else if (value.Length > context.Limits.MaxLabelValueLength || value.Any(char.IsControl))
            {
                context.Add(entry, $"A label value is at most {context.Limits.MaxLabelValueLength} characters without control characters.");
            }
        }
    }

    private static void CheckWebhook(ValidationContext context, WebhookDocument? webhook)
    {
        if (webhook is null)
        {
            return;
        }

        const string Path = "webhook.url";
        if (string.IsNullOrWhiteSpace(webhook.Url))
        {
            context.Add(Path, "A webhook needs a url.");
            return;
        }

        if (!Uri.TryCreate(webhook.Url, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            context.Add(Path, "Must be an absolute URL.");
            return;
        }

        if (uri.UserInfo.Length > 0)
        {
            context.Add(Path, "Must not carry credentials; the webhook is signed with the configured secret instead.");
        }

        var httpLoopback = uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback && context.Limits.AllowHttpLoopbackWebhook;
        if (uri.Scheme != Uri.UriSchemeHttps && !httpLoopback)
        {
            context.Add(Path, context.Limits.AllowHttpLoopbackWebhook
                ? "Must use https (http is accepted only to a loopback address in local mode)."
                : "Must use https.");
        }
        else if (AddressPolicy.IsRefusedHost(uri, context.Limits.AllowHttpLoopbackWebhook))
        {
            context.Add(Path, "Must not point at a private, link-local, loopback or cloud metadata address.");
        }
    }

    private static void CheckText(ValidationContext context, string path, string? text, bool required = false)
    {
        if (text is null)
        {
            return;
        }

        if (required && string.IsNullOrWhiteSpace(text))
        {
            context.Add(path, "Must not be empty.");
        }
        else if (Encoding.UTF8.GetByteCount(text) > context.Limits.MaxTextBytes)
        {
            context.Add(path, $"Must be at most {context.Limits.MaxTextBytes / 1024} KiB; put large content in an input.");
        }
        else if (text.Contains('\0', StringComparison.Ordinal))
        {
            context.Add(path, "Must not contain NUL characters.");
        }
    }
}
