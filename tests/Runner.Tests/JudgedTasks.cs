using Orchestration.Domain;
using Orchestration.Domain.Documents;

namespace Orchestration.Runner.Tests;

/// <summary>The task a runner test judges its result.json against: only the fields judging reads vary.</summary>
internal static class JudgedTasks
{
    public static BatchTask Of(TaskKind kind, int timeoutSeconds = 60, int maxAttempts = 1) => new()
    {
        Ordinal = 0,
        Id = "t1",
        Kind = kind,
        Command = kind == TaskKind.Command ? "make test" : null,
        Prompt = kind == TaskKind.Claude ? "Say hello." : null,
        Labels = new Dictionary<string, string>(),
        AllowedTools = [],
        DisallowedTools = [],
        Inputs = new Dictionary<string, InputSource>(),
        N = 1,
        TimeoutSeconds = timeoutSeconds,
        MaxAttempts = maxAttempts,
        Profile = new Profile("runner:1", "1", "2Gi", new Dictionary<string, string>()),
        PassExitCodes = [0],
        Flags = new Dictionary<string, FlagRule>(),
    };
}
