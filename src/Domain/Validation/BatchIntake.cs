using Orchestration.Domain.Normalization;

namespace Orchestration.Domain.Validation;

/// <summary>Reads, validates and normalises a submitted batch document in one step.</summary>
public static class BatchIntake
{
    /// <summary>Reads a document.</summary>
    /// <param name="utf8Json">The document as UTF-8 JSON.</param>
    /// <param name="limits">The limits in force.</param>
    /// <param name="defaults">Host defaults.</param>
    /// <param name="fallbackId">The id to use when the document names none.</param>
    /// <returns>The normalised batch with its hash, or every problem found: shape problems (unknown fields,
    /// wrong types) first, then rule problems of everything that could be read.</returns>
    public static IntakeResult Read(ReadOnlySpan<byte> utf8Json, BatchLimits limits, BatchDefaults defaults, Func<string> fallbackId)
    {
        ArgumentNullException.ThrowIfNull(fallbackId);
        var parsed = BatchDocumentParser.Parse(utf8Json);
        if (parsed.Document is null)
        {
            return IntakeResult.Invalid(parsed.Problems);
        }

        var rules = BatchValidator.Validate(parsed.Document, limits, defaults);
        List<ValidationProblem> problems = [.. parsed.Problems, .. rules.Where(p => !FollowsFromDropped(p.Path, parsed.Dropped))];
        if (problems.Count > 0)
        {
            return IntakeResult.Invalid(problems);
        }

        var batch = BatchNormalizer.Normalize(parsed.Document, defaults, parsed.Document.Id is null ? fallbackId() : null);
        return IntakeResult.Valid(batch, CanonicalJson.Hash(batch));
    }

    // A value of the wrong type was left out; "missing" problems at its path or its parent's (such as
    // "set command or prompt" after a numeric command) restate that problem and are not reported again.
    private static bool FollowsFromDropped(string path, IReadOnlyList<string> dropped) =>
        path != JsonPaths.Root && dropped.Any(d => d == path
            || (d.Length > path.Length && d.StartsWith(path, StringComparison.Ordinal) && d[path.Length] is '.' or '['));
}
