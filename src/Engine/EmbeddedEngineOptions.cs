using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Orchestration.Engine;

/// <summary>Settings of the embedded durable engine; orchestrators and activities are registered here too
/// (see the Registration part).</summary>
public sealed partial class EmbeddedEngineOptions
{
    /// <summary>Path of the SQLite file holding every instance's history and work items.</summary>
    /// <remarks>Ignored when <see cref="UseTemporaryFile"/> is set.</remarks>
    public string? DatabasePath { get; set; }

    /// <summary>Use a fresh file in the temp folder, deleted when the engine is disposed (tests).</summary>
    public bool UseTemporaryFile { get; set; }

    /// <summary>Activities running at once.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentActivities { get; set; } = Environment.ProcessorCount * 16;

    /// <summary>Inbox messages taken into one dispatch round (all their episodes commit together).</summary>
    [Range(1, 1_000_000)]
    public int MaxMessagesPerRound { get; set; } = 20_000;

    /// <summary>Most write operations in one transaction (group commit).</summary>
    [Range(1, 1_000_000)]
    public int MaxOperationsPerCommit { get; set; } = 20_000;

    /// <summary>Running instances kept in memory between episodes; others replay from history when next needed.</summary>
    [Range(0, 10_000_000)]
    public int CacheCapacity { get; set; } = 20_000;

    /// <summary>Replay every episode from history instead of resuming the cached instance.</summary>
    /// <remarks>Durable replays on every episode, so tests turn this on: a nondeterministic orchestrator
    /// then fails here as it would in Azure. Costs O(history) per episode.</remarks>
    public bool ReplayEveryEpisode { get; set; }

    /// <summary>The one JSON options object for every input, output, event payload and custom status.</summary>
    /// <remarks>The product passes its shared options so both hosts serialize the same way; default: web defaults.</remarks>
    public JsonSerializerOptions? SerializerOptions { get; set; }

    /// <summary>Test-only fault injection: the process kills itself right after this durable commit (1-based).</summary>
    /// <remarks>Used by the crash-safety tests to stop at a reproducible instant; never set it in a product.</remarks>
    public long? KillAfterCommit { get; set; }
}
