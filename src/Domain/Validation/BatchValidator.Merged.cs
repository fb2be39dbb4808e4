using Orchestration.Domain.Documents;

namespace Orchestration.Domain.Validation;

/// <summary>Checks that need the task as it will run: its own fields with the defaults applied.</summary>
public static partial class BatchValidator
{
    private static void CheckMerged(ValidationContext context, string path, TaskDocument own, TaskDocument merged)
    {
        if (merged.Command is null && merged.Prompt is null)
        {
            context.Add(path, "Set command (a shell command) or prompt (a Claude prompt).");
            return;
        }

        var kind = merged.Kind ?? (merged.Command is not null ? TaskKind.Command : TaskKind.Claude);
        if (kind == TaskKind.Command && merged.Command is null)
        {
            context.Add(JsonPaths.Property(path, "kind"), "A command task needs a command, not a prompt.");
            return;
        }

        if (kind == TaskKind.Claude && merged.Prompt is null)
        {
            context.Add(JsonPaths.Property(path, "kind"), "A claude task needs a prompt, not a command.");
            return;
        }

        if (kind == TaskKind.Command)
        {
            CheckNotSet(context, path, nameof(TaskDocument.SystemPrompt), own.SystemPrompt, "claude");
            CheckNotSet(context, path, nameof(TaskDocument.AppendSystemPrompt), own.AppendSystemPrompt, "claude");
            CheckNotSet(context, path, nameof(TaskDocument.Model), own.Model, "claude");
            CheckNotSet(context, path, nameof(TaskDocument.MaxTurns), own.MaxTurns, "claude");
            CheckNotSet(context, path, nameof(TaskDocument.AllowedTools), own.AllowedTools, "claude");
            CheckNotSet(context, path, nameof(TaskDocument.DisallowedTools), own.DisallowedTools, "claude");
            CheckNotSet(context, path, nameof(TaskDocument.MaxBudgetUsd), own.MaxBudgetUsd, "claude");
        }
        else
        {
            CheckNotSet(context, path, nameof(TaskDocument.Pass), own.Pass, "command");
        }

        CheckResources(context, JsonPaths.Property(path, "profile"), merged.Profile);
    }

    private static void CheckNotSet(ValidationContext context, string path, string field, object? value, string kind)
    {
        if (value is not null)
        {
            var name = char.ToLowerInvariant(field[0]) + field[1..];
            context.Add(JsonPaths.Property(path, name), kind == "claude"
                ? $"{name} applies only to claude tasks (tasks with a prompt)."
                : $"{name} applies only to command tasks; a Claude run passes when Claude reports success.");
        }
    }
}
