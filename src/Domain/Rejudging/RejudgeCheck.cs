using Orchestration.Domain.Documents;
using Orchestration.Domain.Judging;

namespace Orchestration.Domain.Rejudging;

/// <summary>Whether a run's stored captures hold everything the new rules read.</summary>
/// <remarks>A rule that reads a stream the runner cut at its capture cap, or a file the runner did not copy (the
/// rules the batch ran with did not name it) or copied in part, cannot be decided from what was kept: such a run
/// is listed as not rejudgeable with the reason, never guessed.</remarks>
public static class RejudgeCheck
{
    /// <summary>Why <paramref name="result"/> cannot be judged by <paramref name="task"/>'s rules, or null when it can.</summary>
    /// <param name="task">The task with the new rules.</param>
    /// <param name="result">The run's final <c>result.json</c>.</param>
    /// <returns>The reason, or null.</returns>
    public static string? Unjudgeable(BatchTask task, RunResult result)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(result);
        foreach (var (name, rule) in task.Flags.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if ((rule.VerdictFile ?? rule.File) is { } file)
            {
                if (result.Files is null || !result.Files.TryGetValue(file, out var copied))
                {
                    return $"flag '{name}' reads the file '{file}', which the runner did not copy (the rules the batch ran with did not name it)";
                }

                if (copied.Truncated)
                {
                    return $"flag '{name}' reads the file '{file}', which the runner copied only in part";
                }

                continue;
            }

            var stream = rule.Stream ?? FlagStream.Response;
            var capture = stream switch
            {
                FlagStream.Stdout => result.Stdout,
                FlagStream.Stderr => result.Stderr,
                _ => result.Response,
            };
            if (capture?.Truncated == true)
            {
                return $"flag '{name}' reads the {WireNames.Of(stream)}, which the runner kept only in part ({capture.Bytes} bytes produced, over its capture cap)";
            }
        }

        return null;
    }
}
