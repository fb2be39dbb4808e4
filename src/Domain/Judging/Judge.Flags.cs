using System.Text.Json;
using System.Text.RegularExpressions;
using Orchestration.Domain.Documents;

namespace Orchestration.Domain.Judging;

/// <summary>Flag rules: contains, regex, verdictFile, jsonPath + equals.</summary>
public static partial class Judge
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    private static (IReadOnlyList<string> Fired, IReadOnlyList<string> Problems) EvaluateFlags(
        BatchTask task, RunResult result, string response, RunTexts texts, JudgeOptions options)
    {
        var fired = new List<string>();
        var problems = new List<string>();
        string? stdout = null;
        string? stderr = null;
        foreach (var (name, rule) in task.Flags.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            // Each stream is capped like the response, once, and only when a rule reads it.
            var (text, what) = rule.Stream switch
            {
                FlagStream.Stdout => (stdout ??= ResponseText.Cap(texts.Stdout ?? string.Empty, options.MaxResponseBytes).Text, "stdout"),
                FlagStream.Stderr => (stderr ??= ResponseText.Cap(texts.Stderr ?? string.Empty, options.MaxResponseBytes).Text, "stderr"),
                _ => (response, "the response"),
            };
            var (flagged, problem) = EvaluateRule(rule, result, text, what, options);
            if (flagged)
            {
                fired.Add(name);
            }

            if (problem is not null)
            {
                problems.Add($"{name}: {problem}");
            }
        }

        return (fired, problems);
    }

    private static (bool Flagged, string? Problem) EvaluateRule(FlagRule rule, RunResult result, string response, string what, JudgeOptions options)
    {
        if (rule.Contains is { } needle)
        {
            return (response.Contains(needle, StringComparison.OrdinalIgnoreCase), null);
        }

        if (rule.Regex is { } pattern)
        {
            return MatchRegex(pattern, response, options.RegexTimeout);
        }

        if (rule.VerdictFile is { } verdictFile)
        {
            return WithFile(result, verdictFile, root => root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("flagged", out var flagged) && flagged.ValueKind == JsonValueKind.True);
        }

        if (rule.JsonPath is { } path)
        {
            return MatchJsonPath(rule, path, result, response, what);
        }

        return (false, "the rule names no test");
    }

    private static (bool Flagged, string? Problem) MatchRegex(string pattern, string response, TimeSpan timeout)
    {
        try
        {
            var regex = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, timeout);
            return (regex.IsMatch(response), null);
        }
        catch (ArgumentException ex)
        {
            return (false, $"the regex is not valid: {ex.Message}");
        }
        catch (RegexMatchTimeoutException)
        {
            return (false, "the regex timed out");
        }
    }

    private static (bool Flagged, string? Problem) MatchJsonPath(FlagRule rule, string path, RunResult result, string response, string what)
    {
        if (!JsonPathExpression.TryParse(path, out var expression, out var error))
        {
            return (false, $"the JSONPath is not valid: {error}");
        }

        bool Test(JsonElement root) => expression!.TrySelect(root, out var value) && EqualsExpected(value, rule.EqualTo);
        return rule.File is { } file ? WithFile(result, file, Test) : WithJson(response, what, truncated: false, Test);
    }

    private static bool EqualsExpected(JsonElement value, JsonElement? expected) =>
        expected is { } wanted ? JsonElement.DeepEquals(value, wanted) : value.ValueKind == JsonValueKind.Null;

    private static (bool Flagged, string? Problem) WithFile(RunResult result, string name, Func<JsonElement, bool> test) =>
        result.Files is not null && result.Files.TryGetValue(name, out var file)
            ? WithJson(file.Content, $"the file '{name}'", file.Truncated, test)
            : (false, $"the file '{name}' was not copied into result.json");

    private static (bool Flagged, string? Problem) WithJson(string text, string what, bool truncated, Func<JsonElement, bool> test)
    {
        try
        {
            using var document = JsonDocument.Parse(text, DocumentOptions);
            return (test(document.RootElement), null);
        }
        catch (JsonException)
        {
            return (false, truncated ? $"{what} was truncated by the runner and is not valid JSON" : $"{what} is not valid JSON");
        }
    }
}
