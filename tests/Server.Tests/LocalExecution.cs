namespace Orchestration.Server.Tests;

/// <summary>One execution folder of the local runner.</summary>
internal sealed record LocalExecution(string Id, string Prefix, bool Launched, string? ExitCode);
