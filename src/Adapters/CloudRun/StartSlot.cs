
namespace Orchestration.Adapters.CloudRun;

/// <summary>Answer of the start pacer.</summary>
/// <param name="Acquired">True when the caller may start now.</param>
/// <param name="RetryAfter">When refused: the wait a token would need.</param>
public readonly record struct StartSlot(bool Acquired, TimeSpan RetryAfter);
