using Orchestration.Domain.Documents;

namespace Orchestration.Domain.Rejudging;

/// <summary>New judging rules for one task: what a rejudge replaces (the rest of the task stays as it ran).</summary>
/// <param name="PassExitCodes">The new pass exit codes (command tasks), or null to keep the task's.</param>
/// <param name="Flags">The new flag rules, replacing the task's whole set, or null to keep them.</param>
public sealed record TaskRules(IReadOnlyList<int>? PassExitCodes, IReadOnlyDictionary<string, FlagRule>? Flags)
{
    /// <summary>The task with these rules in place of its own.</summary>
    /// <param name="task">The task as it ran.</param>
    /// <returns>The task as a rejudge judges it.</returns>
    public BatchTask Apply(BatchTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task with { PassExitCodes = PassExitCodes ?? task.PassExitCodes, Flags = Flags ?? task.Flags };
    }
}
