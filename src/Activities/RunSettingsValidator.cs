using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Orchestration.Activities.CloudRun;

namespace Orchestration.Activities;

/// <summary>Checks the secret references of <see cref="RunSettings"/> at start, naming the key of each bad one,
/// so a malformed reference never reaches a Cloud Run job.</summary>
public sealed partial class RunSettingsValidator : IValidateOptions<RunSettings>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, RunSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Check(nameof(RunSettings.ClaudeSecrets), options.ClaudeSecrets)
            .Concat(Check(nameof(RunSettings.CommandSecrets), options.CommandSecrets))
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> Check(string property, Dictionary<string, string> secrets)
    {
        foreach (var (env, reference) in secrets.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var key = $"{RunSettings.Section}:{property}:{env}";
            if (!EnvName().IsMatch(env))
            {
                yield return $"{key}: '{env}' is not an environment variable name (letters, digits and '_', not starting with a digit).";
            }
            else if (!SecretReference.TryParse(reference, out _))
            {
                // The value is a reference, not a secret, so naming its form is safe; it is still not echoed.
                yield return $"{key}: a Secret Manager reference must be {SecretReference.Forms}.";
            }
        }
    }

    [GeneratedRegex(@"\A[A-Za-z_][A-Za-z0-9_]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex EnvName();
}
