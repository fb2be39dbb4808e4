using Orchestration.Domain.Documents;
using Orchestration.Domain.Normalization;

namespace Orchestration.Domain.Planning;

/// <summary>Groups tasks by identical inputs so each distinct input set is bundled once.</summary>
public static class InputSets
{
    /// <summary>The key of a task's input set: the SHA-256 of its sorted inputs' canonical JSON, or null
    /// when the task has no inputs.</summary>
    /// <param name="inputs">The task's normalised inputs.</param>
    /// <returns>64 hex characters, or null.</returns>
    public static string? KeyOf(IReadOnlyDictionary<string, InputSource> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs.Count == 0 ? null : CanonicalJson.HashOf(inputs);
    }

    /// <summary>The distinct input sets of a batch, each with the ordinals of the tasks that use it,
    /// in order of first use.</summary>
    /// <param name="batch">The batch.</param>
    /// <returns>Key -> task ordinals.</returns>
    public static IReadOnlyList<KeyValuePair<string, IReadOnlyList<int>>> Distinct(Batch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var order = new List<string>();
        var groups = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var task in batch.Tasks)
        {
            if (KeyOf(task.Inputs) is not { } key)
            {
                continue;
            }

            if (!groups.TryGetValue(key, out var ordinals))
            {
                groups[key] = ordinals = [];
                order.Add(key);
            }

            ordinals.Add(task.Ordinal);
        }

        return [.. order.Select(k => new KeyValuePair<string, IReadOnlyList<int>>(k, groups[k]))];
    }
}
