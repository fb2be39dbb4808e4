using System.Globalization;

namespace Orchestration.Fakes;

/// <summary>A pack manifest as the runner reads it (runner/README.md, "Packed executions"): line i is the attempt task
/// i works, as <c>runKey TAB attempt TAB specUri TAB attemptPrefixUri</c>. For fakes that play the runner.</summary>
public static class PackManifest
{
    /// <summary>The env var that makes an execution a packed one.</summary>
    public const string Variable = "RUN_PACK_MANIFEST_URI";

    /// <summary>The lines of a manifest, in task-index order.</summary>
    /// <param name="text">The manifest's text.</param>
    /// <returns>The entries.</returns>
    public static IReadOnlyList<Entry> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select((line, index) =>
        {
            var fields = line.Split('\t');
            return fields.Length == 4
                ? new Entry(index, fields[0], int.Parse(fields[1], CultureInfo.InvariantCulture), fields[2], fields[3])
                : throw new FormatException($"Manifest line {index} has {fields.Length} fields: {line}");
        })];
    }

    /// <summary>The object name of a <c>gs://bucket/name</c> URI.</summary>
    /// <param name="uri">The URI.</param>
    /// <returns>The name within its bucket.</returns>
    public static string ObjectName(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var slash = uri.IndexOf('/', "gs://".Length);
        return uri[(slash + 1)..];
    }

    /// <summary>One line: the attempt a task works.</summary>
    /// <param name="TaskIndex">The task index (the line's number).</param>
    /// <param name="RunKey">The run (<c>{batch}:t{ordinal}:r{index}</c>).</param>
    /// <param name="Attempt">The attempt.</param>
    /// <param name="SpecUri">The task's spec.json.</param>
    /// <param name="PrefixUri">The attempt's prefix (<c>gs://bucket/runs/{batch}/{nonce}/{task}/{idx}/a{k}/</c>).</param>
    public sealed record Entry(int TaskIndex, string RunKey, int Attempt, string SpecUri, string PrefixUri)
    {
        /// <summary>The attempt prefix as an object name.</summary>
        public string Prefix => ObjectName(PrefixUri);
    }
}
