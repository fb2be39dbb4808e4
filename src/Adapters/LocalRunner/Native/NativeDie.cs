namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary>runner.sh's <c>die</c>: an infrastructure failure with its reason (exit 1, no result.json).</summary>
internal sealed class NativeDie(string message) : Exception(message);
