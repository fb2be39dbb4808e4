using System.Globalization;
using System.Text.RegularExpressions;

namespace Orchestration.Domain.Judging;

/// <summary>The Claude mapping: summary subtype and error text to an outcome.</summary>
public static partial class Judge
{
    private static readonly string[] AuthenticationMarkers =
    [
        "invalid api key", "authentication_error", "please run /login", "invalid x-api-key",
        "oauth token has expired", "permission_error",
    ];

    private static readonly string[] BillingMarkers = ["credit balance is too low", "billing_error"];

    private static readonly string[] TransientMarkers =
    [
        "overloaded", "rate_limit_error", "api_error", "request timed out", "connection error",
        "internal server error", "service unavailable",
    ];

    private static Judgement JudgeClaude(RunResult result, JudgeOptions options)
    {
        if (result.Claude?.Summary is not { } summary)
        {
            return Errored(Invariant($"Claude wrote no summary (exit code {result.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"})"));
        }

        if (summary.Subtype == "success" && !summary.IsError)
        {
            return new Judgement { Outcome = RunOutcome.Passed };
        }

        if (summary.Subtype == "error_max_turns")
        {
            return Failed(Invariant($"Claude reached its turn limit ({summary.NumTurns?.ToString(CultureInfo.InvariantCulture) ?? "?"} turns)"));
        }

        if (summary.Subtype?.Contains("budget", StringComparison.OrdinalIgnoreCase) == true)
        {
            return Failed(Invariant($"Claude reached its budget limit ({summary.Subtype}, {summary.TotalCostUsd?.ToString(CultureInfo.InvariantCulture) ?? "?"} USD)"));
        }

        return JudgeClaudeError(summary, options);
    }

    private static Judgement JudgeClaudeError(ClaudeSummary summary, JudgeOptions options)
    {
        var text = summary.Result ?? string.Empty;
        var quoted = Quote(text, options.MaxQuotedErrorChars);
        var status = ApiStatus(text);
        if (status is 401 or 403 || ContainsAny(text, AuthenticationMarkers))
        {
            var reason = $"Claude could not authenticate: {quoted}";
            return Errored(reason, new BatchFault(BatchFaultKind.Authentication, reason));
        }

        if (ContainsAny(text, BillingMarkers))
        {
            var reason = $"the Anthropic account cannot pay: {quoted}";
            return Errored(reason, new BatchFault(BatchFaultKind.Billing, reason));
        }

        if (status is 408 or 429 or >= 500 || ContainsAny(text, TransientMarkers))
        {
            return Errored($"the Claude API was unavailable: {quoted}");
        }

        return summary.Subtype == "error_during_execution"
            ? Errored($"Claude Code failed during execution: {quoted}")
            : Failed($"Claude reported an error ({summary.Subtype ?? "no subtype"}): {quoted}");
    }

    private static Judgement Failed(string reason) => new() { Outcome = RunOutcome.Failed, Reason = reason };

    private static int? ApiStatus(string text)
    {
        var match = ApiErrorPattern().Match(text);
        return match.Success ? int.Parse(match.Groups["status"].ValueSpan, CultureInfo.InvariantCulture) : null;
    }

    private static bool ContainsAny(string text, string[] markers) =>
        markers.Any(marker => text.Contains(marker, StringComparison.OrdinalIgnoreCase));

    private static string Quote(string text, int maxChars)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= maxChars ? line : string.Concat(line.AsSpan(0, maxChars), "…");
    }

    [GeneratedRegex(@"API Error: (?<status>[1-5][0-9]{2})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex ApiErrorPattern();
}
