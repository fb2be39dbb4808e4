using System.Globalization;
using System.Text.RegularExpressions;

namespace Orchestration.Domain.Judging;

/// <summary>The Claude mapping: summary subtype and error text to an outcome.</summary>
/// <remarks>The error text is the summary's <c>result</c> and the details of <c>errors[]</c> (what an
/// <c>error_*</c> line carries instead); reasons quote it capped, with credential-looking tokens redacted
/// (the runner already scrubs the values it knows; a reason is shown in status and logs).</remarks>
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
            return Failed(Invariant($"Claude reached its turn limit ({summary.NumTurns?.ToString(CultureInfo.InvariantCulture) ?? "?"} turns)") + Details(summary, options));
        }

        if (summary.Subtype?.Contains("budget", StringComparison.OrdinalIgnoreCase) == true)
        {
            return Failed(Invariant($"Claude reached its budget limit ({summary.Subtype}, {summary.TotalCostUsd?.ToString(CultureInfo.InvariantCulture) ?? "?"} USD)") + Details(summary, options));
        }

        return JudgeClaudeError(summary, options);
    }

    private static Judgement JudgeClaudeError(ClaudeSummary summary, JudgeOptions options)
    {
        var text = ErrorText(summary);
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

    // What Claude said went wrong: the result text, then each entry of errors[].
    private static string ErrorText(ClaudeSummary summary) =>
        string.Join("; ", new[] { summary.Result }.Concat(summary.Errors ?? []).Where(part => !string.IsNullOrWhiteSpace(part)));

    private static string Details(ClaudeSummary summary, JudgeOptions options) =>
        summary.Errors is { Count: > 0 } ? ": " + Quote(ErrorText(summary), options.MaxQuotedErrorChars) : string.Empty;

    private static int? ApiStatus(string text)
    {
        var match = ApiErrorPattern().Match(text);
        return match.Success ? int.Parse(match.Groups["status"].ValueSpan, CultureInfo.InvariantCulture) : null;
    }

    private static bool ContainsAny(string text, string[] markers) =>
        markers.Any(marker => text.Contains(marker, StringComparison.OrdinalIgnoreCase));

    // Redacted before the cut, so a token cut at the edge cannot survive in part; the text is first bounded
    // (with room for a whole PEM key past the cut) so the redaction's time does not grow with the response.
    private static string Quote(string text, int maxChars)
    {
        var bounded = text.Length <= maxChars + 8192 ? text : text[..(maxChars + 8192)];
        var line = CredentialPattern().Replace(bounded, "[REDACTED]").ReplaceLineEndings(" ").Trim();
        return line.Length <= maxChars ? line : string.Concat(line.AsSpan(0, maxChars), "…");
    }

    [GeneratedRegex(@"API Error: (?<status>[1-5][0-9]{2})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex ApiErrorPattern();

    // The token families SecretDetector refuses in batch documents, matched whole.
    [GeneratedRegex(
        @"sk-ant-[A-Za-z0-9_-]+|\bgh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]+|\b(?:AKIA|ASIA)[0-9A-Z]{16}\b|-----BEGIN [A-Z ]*PRIVATE KEY-----(?:.*?-----END [A-Z ]*PRIVATE KEY-----|.*)|\bxox[abposr]-[A-Za-z0-9-]{10,}|\bAIza[0-9A-Za-z_-]{35}\b",
        RegexOptions.CultureInvariant | RegexOptions.Singleline,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex CredentialPattern();
}
