using System.Text.RegularExpressions;

namespace Orchestration.Domain.Validation;

/// <summary>Recognises environment names and values that look like secrets.</summary>
/// <remarks>Batch documents travel through queues, stores and logs; a secret placed in one would leak
/// everywhere. Secrets belong in Secret Manager references on the Cloud Run job, so anything that looks
/// like one is refused at the door with a pointer there (DESIGN section 12).</remarks>
public static partial class SecretDetector
{
    internal static readonly HashSet<string> SecretNameParts = new(StringComparer.OrdinalIgnoreCase)
    {
        "KEY", "KEYS", "APIKEY", "TOKEN", "TOKENS", "SECRET", "SECRETS", "PASSWORD", "PASSWORDS", "PASSWD",
        "PWD", "CREDENTIAL", "CREDENTIALS", "PRIVATE",
    };

    /// <summary>Whether an environment variable name has a secret-looking part (split on <c>_</c>).</summary>
    /// <param name="name">The variable name.</param>
    /// <param name="allowed">Names allowed whole although they have such a part.</param>
    /// <returns>True when the name looks secret.</returns>
    public static bool IsSecretLookingName(string name, IReadOnlyList<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(allowed);
        if (allowed.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        return name.Split('_', StringSplitOptions.RemoveEmptyEntries).Any(SecretNameParts.Contains);
    }

    /// <summary>Whether a value looks like a credential (Anthropic or GitHub tokens, AWS keys, PEM blocks, ...).</summary>
    /// <param name="value">The value.</param>
    /// <returns>True when the value looks secret.</returns>
    public static bool IsSecretLookingValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return SecretValue().IsMatch(value);
    }

    /// <summary>The credential patterns; also published in the batch schema, so it stays within ECMAScript syntax.</summary>
    internal const string SecretValuePattern =
        @"sk-ant-|\bgh[pousr]_[A-Za-z0-9]{20,}|github_pat_|\bAKIA[0-9A-Z]{16}\b|\bASIA[0-9A-Z]{16}\b|-----BEGIN [A-Z ]*PRIVATE KEY-----|\bxox[abposr]-[A-Za-z0-9-]{10,}|\bAIza[0-9A-Za-z_-]{35}\b";

    [GeneratedRegex(SecretValuePattern, RegexOptions.CultureInvariant)]
    private static partial Regex SecretValue();
}
