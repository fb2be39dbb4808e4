using System.Diagnostics;
using System.Text.RegularExpressions;
using Orchestration.Activities;
using Orchestration.Activities.Git;

namespace Orchestration.Adapters.Git;

/// <summary>Resolves refs with <c>git ls-remote</c> (no clone, no working copy).</summary>
/// <remarks>Only https URLs reach here (validated at submit); <c>--</c> ends options so a ref can never be
/// read as one, and git's terminal prompt is off so a private repository fails instead of hanging.</remarks>
public sealed partial class GitCliResolver : IGitResolver
{
    /// <inheritdoc />
    public async Task<string> ResolveAsync(string url, string gitRef, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(gitRef);
        if (Sha().IsMatch(gitRef))
        {
            return gitRef.ToLowerInvariant();
        }

        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "ls-remote", "--", url, gitRef })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        using var process = Process.Start(start) ?? throw new PreparationException("git could not be started.");
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        _ = await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new PreparationException($"git ls-remote {url} failed (exit {process.ExitCode}); check the URL and that the repository is reachable.");
        }

        // Prefer an exact ref, then a peeled tag (^{}), then the first match.
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).Where(p => p.Length == 2).ToList();
        var match = lines.FirstOrDefault(p => p[1].EndsWith("^{}", StringComparison.Ordinal)) ?? lines.FirstOrDefault();
        return match is not null && Sha().IsMatch(match[0])
            ? match[0]
            : throw new PreparationException($"The ref '{gitRef}' does not exist in {url}.");
    }

    [GeneratedRegex("^[0-9a-fA-F]{40}$")]
    private static partial Regex Sha();
}
