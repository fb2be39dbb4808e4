namespace Orchestration.Domain.Comparison;

/// <summary>A task of A compared with a task of B.</summary>
/// <param name="A">The task id in A.</param>
/// <param name="B">The task id in B.</param>
public sealed record TaskPair(string A, string B)
{
    /// <summary>Parses <c>taskA:taskB,...</c> (the <c>map</c> parameter).</summary>
    /// <param name="text">The mapping; null or empty for none.</param>
    /// <param name="pairs">The pairs, in the order given.</param>
    /// <param name="problem">Why it was refused.</param>
    /// <returns>Whether it parsed: every entry has two non-empty ids and no id appears twice on the same side.</returns>
    public static bool TryParseList(string? text, out IReadOnlyList<TaskPair> pairs, out string? problem)
    {
        var list = new List<TaskPair>();
        pairs = list;
        problem = null;
        foreach (var entry in (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split(':');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                problem = $"'{entry}' is not taskA:taskB.";
                return false;
            }

            if (list.Any(p => p.A == parts[0]) || list.Any(p => p.B == parts[1]))
            {
                problem = $"'{entry}' maps a task that is already mapped.";
                return false;
            }

            list.Add(new TaskPair(parts[0], parts[1]));
        }

        return true;
    }
}
