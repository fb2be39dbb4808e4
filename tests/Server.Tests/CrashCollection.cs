namespace Orchestration.Server.Tests;

/// <summary>The kill-and-resume and crash-matrix tests run one after another: each loads both cores with
/// hosts and runner processes, and their timings are reported.</summary>
[CollectionDefinition(Name)]
public sealed class CrashCollection
{
    public const string Name = "Crash";
}
