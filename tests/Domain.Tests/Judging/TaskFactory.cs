using Orchestration.Domain.Documents;

namespace Orchestration.Domain.Tests.Judging;

internal static class TaskFactory
{
    public static BatchTask Command(IReadOnlyDictionary<string, FlagRule>? flags = null, IReadOnlyList<int>? passExitCodes = null) =>
        Create(TaskKind.Command, flags, passExitCodes) with { Command = "make test" };

    public static BatchTask Claude(IReadOnlyDictionary<string, FlagRule>? flags = null) =>
        Create(TaskKind.Claude, flags, null) with { Prompt = "Review this repository." };

    private static BatchTask Create(TaskKind kind, IReadOnlyDictionary<string, FlagRule>? flags, IReadOnlyList<int>? passExitCodes) => new()
    {
        Ordinal = 0,
        Id = "task",
        Kind = kind,
        Labels = new Dictionary<string, string>(),
        AllowedTools = [],
        DisallowedTools = [],
        Inputs = new Dictionary<string, InputSource>(),
        N = 10,
        TimeoutSeconds = 600,
        MaxAttempts = 3,
        Profile = new Profile("runner:1", "1", "2Gi", new Dictionary<string, string>()),
        PassExitCodes = passExitCodes ?? [0],
        Flags = flags ?? new Dictionary<string, FlagRule>(),
    };
}
