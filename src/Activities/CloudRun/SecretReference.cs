using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Orchestration.Activities.CloudRun;

/// <summary>Parses the Secret Manager references of the settings (<c>Orchestration:Runs:ClaudeSecrets:{ENV}</c>,
/// <c>CommandSecrets</c>) into the two fields of a Cloud Run <c>secretKeyRef</c>.</summary>
/// <remarks>Cloud Run wants <c>secret</c> = <c>{name}</c> (same project) or <c>projects/{project}/secrets/{name}</c>
/// (another project) and the version apart, so a full version name such as
/// <c>projects/P/secrets/S/versions/latest</c> must be split, never passed as the secret. Accepted, and nothing else:
/// <c>name:version</c>, <c>projects/{project}/secrets/{name}:version</c> and
/// <c>projects/{project}/secrets/{name}/versions/{version}</c>.</remarks>
public static partial class SecretReference
{
    /// <summary>The accepted forms, for error messages.</summary>
    public const string Forms = "'name:version', 'projects/PROJECT/secrets/NAME:version' or 'projects/PROJECT/secrets/NAME/versions/VERSION'";

    /// <summary>Parses a reference.</summary>
    /// <param name="reference">The setting's value.</param>
    /// <param name="secretRef">The secret and version, when the value has one of the accepted forms.</param>
    /// <returns>Whether it had.</returns>
    public static bool TryParse(string? reference, [NotNullWhen(true)] out CloudRunSecretRef? secretRef)
    {
        secretRef = null;
        if (reference is null)
        {
            return false;
        }

        var match = Reference().Match(reference);
        if (!match.Success)
        {
            return false;
        }

        var name = match.Groups["name"].Value;
        var project = match.Groups["project"];
        secretRef = new CloudRunSecretRef(project.Success ? $"projects/{project.Value}/secrets/{name}" : name, match.Groups["version"].Value);
        return true;
    }

    /// <summary>Parses a reference that the settings validation has accepted.</summary>
    /// <param name="reference">The setting's value.</param>
    /// <returns>The secret and version.</returns>
    /// <exception cref="FormatException">The value has none of the accepted forms.</exception>
    public static CloudRunSecretRef Parse(string reference) =>
        TryParse(reference, out var parsed) ? parsed : throw new FormatException($"A secret reference must be {Forms}.");

    // Secret ids: letters, digits, '_' and '-', up to 255. Project: an id (6-30, lowercase, starts with a letter)
    // or a number. Version: a number, 'latest' or an alias.
    [GeneratedRegex(
        @"\A(?:projects/(?<project>[a-z][a-z0-9-]{4,28}[a-z0-9]|[0-9]{1,20})/secrets/(?<name>[A-Za-z0-9_-]{1,255})(?:/versions/|:)" +
        @"|(?<name>[A-Za-z0-9_-]{1,255}):)(?<version>[0-9]{1,20}|latest|[A-Za-z][A-Za-z0-9_-]{0,62})\z",
        RegexOptions.CultureInvariant)]
    private static partial Regex Reference();
}
