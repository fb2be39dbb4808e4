using Orchestration.Domain.Documents;

namespace Orchestration.Domain.Normalization;

/// <summary>Applies the batch defaults to one task document.</summary>
/// <remarks>Scalars: the task's value wins. Labels, profile env, inputs and named flags merge by key,
/// the task's entry winning. What to run (<c>kind</c>, <c>command</c>, <c>prompt</c>) is one unit: a task
/// that sets any of them takes none from the defaults, so a default command never collides with a task's
/// prompt.</remarks>
public static class TaskMerger
{
    /// <summary>The task as if every omitted field were taken from <paramref name="defaults"/>.</summary>
    /// <param name="defaults">The batch defaults, possibly null.</param>
    /// <param name="task">The task.</param>
    /// <returns>The merged document (the task's id and own fields kept).</returns>
    public static TaskDocument Merge(TaskDocument? defaults, TaskDocument task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (defaults is null)
        {
            return task with { Flag = null, Flags = MergeFlags(null, task) };
        }

        var ownWhat = task.Kind is not null || task.Command is not null || task.Prompt is not null;
        return task with
        {
            Labels = MergeMaps(defaults.Labels, task.Labels),
            Kind = ownWhat ? task.Kind : defaults.Kind,
            Command = ownWhat ? task.Command : defaults.Command,
            Prompt = ownWhat ? task.Prompt : defaults.Prompt,
            SystemPrompt = task.SystemPrompt ?? (task.AppendSystemPrompt is null ? defaults.SystemPrompt : null),
            AppendSystemPrompt = task.AppendSystemPrompt ?? (task.SystemPrompt is null ? defaults.AppendSystemPrompt : null),
            Model = task.Model ?? defaults.Model,
            MaxTurns = task.MaxTurns ?? defaults.MaxTurns,
            AllowedTools = task.AllowedTools ?? defaults.AllowedTools,
            DisallowedTools = task.DisallowedTools ?? defaults.DisallowedTools,
            PreCommand = task.PreCommand ?? defaults.PreCommand,
            PostCommand = task.PostCommand ?? defaults.PostCommand,
            Inputs = MergeMaps(defaults.Inputs, task.Inputs),
            N = task.N ?? defaults.N,
            TimeoutSeconds = task.TimeoutSeconds ?? defaults.TimeoutSeconds,
            MaxAttempts = task.MaxAttempts ?? defaults.MaxAttempts,
            MaxBudgetUsd = task.MaxBudgetUsd ?? defaults.MaxBudgetUsd,
            Profile = MergeProfile(defaults.Profile, task.Profile),
            Pass = task.Pass ?? defaults.Pass,
            Flag = null,
            Flags = MergeMaps(MergeFlags(null, defaults), MergeFlags(null, task)),
        };
    }

    private static IReadOnlyDictionary<string, FlagRule>? MergeFlags(IReadOnlyDictionary<string, FlagRule>? into, TaskDocument document)
    {
        var named = document.Flags;
        if (document.Flag is not null)
        {
            var single = new Dictionary<string, FlagRule>(StringComparer.Ordinal) { ["flag"] = document.Flag };
            named = MergeMaps(single, named);
        }

        return MergeMaps(into, named);
    }

    private static ProfileDocument? MergeProfile(ProfileDocument? defaults, ProfileDocument? task)
    {
        if (defaults is null || task is null)
        {
            return task ?? defaults;
        }

        return new ProfileDocument
        {
            Image = task.Image ?? defaults.Image,
            Cpu = task.Cpu ?? defaults.Cpu,
            Memory = task.Memory ?? defaults.Memory,
            Env = MergeMaps(defaults.Env, task.Env),
        };
    }

    private static IReadOnlyDictionary<string, T>? MergeMaps<T>(IReadOnlyDictionary<string, T>? defaults, IReadOnlyDictionary<string, T>? own)
    {
        if (defaults is null || own is null)
        {
            return own ?? defaults;
        }

        var merged = new Dictionary<string, T>(defaults, StringComparer.Ordinal);
        foreach (var (key, value) in own)
        {
            merged[key] = value;
        }

        return merged;
    }
}
