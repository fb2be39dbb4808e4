using System.Text.RegularExpressions;
using Orchestration.Domain.Documents;

namespace Orchestration.Domain.Validation;

/// <summary>Checks of the fields a task or the defaults set themselves.</summary>
public static partial class BatchValidator
{
    private static void CheckFields(ValidationContext context, string path, TaskDocument task)
    {
        var limits = context.Limits;
        CheckLabels(context, JsonPaths.Property(path, "labels"), task.Labels);
        if (task.Command is not null && task.Prompt is not null)
        {
            context.Add(path, "Set command (a shell command) or prompt (a Claude prompt), not both.");
        }

        CheckText(context, JsonPaths.Property(path, "command"), task.Command, required: true);
        CheckText(context, JsonPaths.Property(path, "prompt"), task.Prompt, required: true);
        CheckText(context, JsonPaths.Property(path, "systemPrompt"), task.SystemPrompt);
        CheckText(context, JsonPaths.Property(path, "appendSystemPrompt"), task.AppendSystemPrompt);
        CheckText(context, JsonPaths.Property(path, "preCommand"), task.PreCommand);
        CheckText(context, JsonPaths.Property(path, "postCommand"), task.PostCommand);
        if (task.SystemPrompt is not null && task.AppendSystemPrompt is not null)
        {
            context.Add(JsonPaths.Property(path, "appendSystemPrompt"), "Set systemPrompt or appendSystemPrompt, not both.");
        }

        if (task.Model is not null && !ModelName().IsMatch(task.Model))
        {
            context.Add(JsonPaths.Property(path, "model"), "A model name is 1 to 100 characters: letters, digits, '.', '_', '-', ':', '@' or '/'.");
        }

        CheckRange(context, JsonPaths.Property(path, "maxTurns"), task.MaxTurns, 1, limits.MaxTurns);
        CheckRange(context, JsonPaths.Property(path, "n"), task.N, 1, limits.MaxRunsPerTask);
        CheckRange(context, JsonPaths.Property(path, "timeoutSeconds"), task.TimeoutSeconds, 1, limits.MaxTimeoutSeconds);
        CheckRange(context, JsonPaths.Property(path, "maxAttempts"), task.MaxAttempts, 1, limits.MaxAttempts);
        if (task.MaxBudgetUsd is { } budget && (budget <= 0 || budget > 10_000))
        {
            context.Add(JsonPaths.Property(path, "maxBudgetUsd"), "Must be more than 0 and at most 10000.");
        }

        CheckTools(context, JsonPaths.Property(path, "allowedTools"), task.AllowedTools);
        CheckTools(context, JsonPaths.Property(path, "disallowedTools"), task.DisallowedTools);
        CheckInputs(context, JsonPaths.Property(path, "inputs"), task.Inputs);
        CheckProfile(context, JsonPaths.Property(path, "profile"), task.Profile);
        CheckPass(context, JsonPaths.Property(path, "pass"), task.Pass);
        CheckFlags(context, path, task);
    }

    private static void CheckRange(ValidationContext context, string path, int? value, int min, int max)
    {
        if (value is { } v && (v < min || v > max))
        {
            context.Add(path, $"Must be between {min} and {max}.");
        }
    }

    private static void CheckTools(ValidationContext context, string path, IReadOnlyList<string>? tools)
    {
        if (tools is null)
        {
            return;
        }

        for (var i = 0; i < tools.Count; i++)
        {
            var tool = tools[i];
            if (string.IsNullOrWhiteSpace(tool) || tool.Length > 200 || tool.Any(char.IsControl))
            {
                context.Add(JsonPaths.Index(path, i), "A tool is 1 to 200 characters without control characters.");
            }
            else if (tool.Contains(',', StringComparison.Ordinal))
            {
                context.Add(JsonPaths.Index(path, i), "A tool must not contain ','; list each tool as its own entry.");
            }
        }
    }

    private static void CheckPass(ValidationContext context, string path, PassRule? pass)
    {
        if (pass is null)
        {
            return;
        }

        var codes = JsonPaths.Property(path, "exitCodes");
        if (pass.ExitCodes is null || pass.ExitCodes.Count == 0)
        {
            context.Add(codes, "List at least one exit code that passes.");
            return;
        }

        for (var i = 0; i < pass.ExitCodes.Count; i++)
        {
            if (pass.ExitCodes[i] is < 0 or > 255)
            {
                context.Add(JsonPaths.Index(codes, i), "An exit code is between 0 and 255.");
            }
        }
    }

    [GeneratedRegex(@"\A[A-Za-z0-9._:@/-]{1,100}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ModelName();
}
