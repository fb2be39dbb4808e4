using System.Text.Json;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Validation;

namespace Orchestration.Domain.Rerunning;

/// <summary>A rerun as asked for and stored for its workflow: which outcomes get new attempts, when it was asked
/// (the batch reopens only if nothing changed its status since), and the hash of its <c>Idempotency-Key</c>.</summary>
/// <param name="Outcomes">The outcomes whose runs get new attempts.</param>
/// <param name="RequestedAt">When the rerun was accepted.</param>
/// <param name="KeyHash">SHA-256 (hex) of the request's <c>Idempotency-Key</c>, or null.</param>
/// <param name="Runs">Runs with those outcomes when it was asked (what the answer announced).</param>
/// <param name="Skipped">Whether the runs a cost cap kept from starting (<c>skipped</c>) run too.</param>
public sealed record RerunRequest(IReadOnlyList<RunOutcome> Outcomes, DateTimeOffset RequestedAt, string? KeyHash, int Runs, bool Skipped = false)
{
    /// <summary>The name of the runs a batch's cost cap kept from starting: no outcome of theirs, only a count.</summary>
    public const string SkippedName = "skipped";

    /// <summary>What a rerun reruns when not told: the runs infrastructure kept from a judged result.</summary>
    public static IReadOnlyList<RunOutcome> DefaultOutcomes { get; } = [RunOutcome.Errored, RunOutcome.TimedOut];

    // Passed and failed runs were judged: running them again until they pass would bias every rate.
    private static readonly RunOutcome[] Rerunnable = [RunOutcome.Errored, RunOutcome.TimedOut, RunOutcome.Cancelled];

    /// <summary>Reads a rerun body: empty (the default outcomes) or <c>{"outcomes": ["errored", "timedOut", "cancelled",
    /// "skipped"]}</c>.</summary>
    /// <param name="utf8Json">The body; empty for the defaults.</param>
    /// <returns>The outcomes (distinct, in outcome order) and whether skipped runs were named, or every problem found.</returns>
    public static ((IReadOnlyList<RunOutcome> Outcomes, bool Skipped)? Selection, IReadOnlyList<ValidationProblem> Problems) ReadOutcomes(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.IsEmpty)
        {
            return ((DefaultOutcomes, false), []);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json.ToArray());
        }
        catch (JsonException ex)
        {
            return (null, [new ValidationProblem(JsonPaths.Root, "The body is not JSON: " + ex.Message)]);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, [new ValidationProblem(JsonPaths.Root, "Send an object: {\"outcomes\": [\"errored\", \"timedOut\"]}, or no body for those two.")]);
            }

            var problems = new List<ValidationProblem>();
            (IReadOnlyList<RunOutcome> Outcomes, bool Skipped) selection = (DefaultOutcomes, false);
            foreach (var property in root.EnumerateObject())
            {
                var path = JsonPaths.Property("", property.Name);
                if (property.Name != "outcomes")
                {
                    problems.Add(new ValidationProblem(path, "Unknown field; a rerun takes only \"outcomes\" (it runs the batch's own tasks again, unchanged)."));
                    continue;
                }

                selection = ReadList(property.Value, path, problems);
            }

            return problems.Count == 0 ? (selection, []) : (null, problems);
        }
    }

    /// <summary>The outside names of <paramref name="outcomes"/>, and "skipped" last when <paramref name="skipped"/>.</summary>
    /// <param name="outcomes">The outcomes.</param>
    /// <param name="skipped">Whether skipped runs are named too.</param>
    /// <returns>Their wire names ("timedOut").</returns>
    public static IReadOnlyList<string> Names(IEnumerable<RunOutcome> outcomes, bool skipped = false) =>
        [.. outcomes.Select(o => WireNames.Of(o)), .. skipped ? new[] { SkippedName } : []];

    private static (IReadOnlyList<RunOutcome> Outcomes, bool Skipped) ReadList(JsonElement value, string path, List<ValidationProblem> problems)
    {
        var allowed = string.Join(", ", Names(Rerunnable, skipped: true));
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            problems.Add(new ValidationProblem(path, $"Give a non-empty list of outcomes, from: {allowed}."));
            return ([], false);
        }

        var skipped = false;
        var chosen = new HashSet<RunOutcome>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var itemPath = JsonPaths.Index(path, index++);
            var name = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
            var match = Rerunnable.Where(o => WireNames.Of(o) == name).ToList();
            if (match.Count == 1)
            {
                chosen.Add(match[0]);
            }
            else if (name == SkippedName)
            {
                skipped = true;
            }
            else if (name is "passed" or "failed")
            {
                problems.Add(new ValidationProblem(itemPath, $"'{name}' runs were judged; running them again would bias the rates. Rerun only: {allowed}."));
            }
            else
            {
                problems.Add(new ValidationProblem(itemPath, $"Unknown outcome {item.GetRawText()}; rerun only: {allowed}."));
            }
        }

        return ([.. chosen.Order()], skipped);
    }
}
