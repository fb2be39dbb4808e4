using System.Globalization;

namespace Orchestration.Domain.Planning;

/// <summary>Durable instance ids of a batch's orchestrations (DESIGN section 4).</summary>
/// <remarks>Task ordinals, not task ids, keep run ids short and safe as Azure Table keys; the task id
/// lives in the run's record.</remarks>
public static class InstanceIds
{
    /// <summary>The batch orchestration: the batch id itself.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <returns>The instance id.</returns>
    public static string Batch(string batchId) => batchId;

    /// <summary>A chunk orchestration: <c>{batchId}:c{chunk}</c>.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="chunk">The chunk index.</param>
    /// <returns>The instance id.</returns>
    public static string Chunk(string batchId, int chunk) => string.Create(CultureInfo.InvariantCulture, $"{batchId}:c{chunk}");

    /// <summary>A chunk orchestration of a rerun: <c>{batchId}:c{chunk}:v{generation}</c> (the results version the
    /// rerun makes), apart from the first run's chunks; generation 0 is the batch's first run.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="chunk">The chunk index.</param>
    /// <param name="generation">0 for the batch's first run, else the results version its rerun makes.</param>
    /// <returns>The instance id.</returns>
    public static string Chunk(string batchId, int chunk, int generation) =>
        generation == 0 ? Chunk(batchId, chunk) : string.Create(CultureInfo.InvariantCulture, $"{batchId}:c{chunk}:v{generation}");

    /// <summary>The prefix every chunk of a batch shares, for instance queries by prefix.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <returns><c>{batchId}:c</c>.</returns>
    public static string ChunkPrefix(string batchId) => batchId + ":c";

    /// <summary>The prefix every orchestration of a batch shares (batch, chunks, runs).</summary>
    /// <param name="batchId">The batch id.</param>
    /// <returns><c>{batchId}:</c>.</returns>
    public static string ChildPrefix(string batchId) => batchId + ":";

    /// <summary>A run orchestration: <c>{batchId}:t{taskOrdinal}:r{runIndex}</c>.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="run">The run.</param>
    /// <returns>The instance id.</returns>
    public static string Run(string batchId, RunRef run) =>
        string.Create(CultureInfo.InvariantCulture, $"{batchId}:t{run.TaskOrdinal}:r{run.RunIndex}");

    /// <summary>A run orchestration of a rerun: <c>{batchId}:t{taskOrdinal}:r{runIndex}:v{generation}</c>; generation 0
    /// is the batch's first run (<see cref="Run(string, RunRef)"/>).</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="run">The run.</param>
    /// <param name="generation">0 for the batch's first run, else the results version its rerun makes.</param>
    /// <returns>The instance id.</returns>
    public static string Run(string batchId, RunRef run, int generation) =>
        generation == 0 ? Run(batchId, run) : Run(batchId, run) + string.Create(CultureInfo.InvariantCulture, $":v{generation}");

    /// <summary>The prefix the reruns of a run share: <c>{batchId}:t{taskOrdinal}:r{runIndex}:</c>.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="run">The run.</param>
    /// <returns>The prefix.</returns>
    public static string RerunPrefix(string batchId, RunRef run) => Run(batchId, run) + ":";

    /// <summary>Reads a run instance id back into its batch id and run.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="batchId">The batch id.</param>
    /// <param name="run">The run.</param>
    /// <returns>True when <paramref name="instanceId"/> is a run instance id.</returns>
    public static bool TryParseRun(string instanceId, out string batchId, out RunRef run)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        batchId = "";
        run = default;
        var parts = instanceId.Split(':');
        if (parts.Length != 3 || !BatchIds.IsValid(parts[0])
            || !TryNumber(parts[1], 't', out var ordinal) || !TryNumber(parts[2], 'r', out var index))
        {
            return false;
        }

        batchId = parts[0];
        run = new RunRef(ordinal, index);
        return true;
    }

    private static bool TryNumber(string part, char prefix, out int value)
    {
        value = 0;
        return part.Length > 1 && part[0] == prefix
            && int.TryParse(part.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out value)
            && part.AsSpan(1).ToString() == value.ToString(CultureInfo.InvariantCulture);
    }
}
