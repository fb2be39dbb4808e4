using System.Text;
using System.Text.RegularExpressions;
using Orchestration.Domain.Documents;

namespace Orchestration.Domain.Validation;

/// <summary>Checks of named inputs: safe names, exactly one source, sizes and source syntax.</summary>
public static partial class BatchValidator
{
    private static void CheckInputs(ValidationContext context, string path, IReadOnlyDictionary<string, InputSource>? inputs)
    {
        if (inputs is null)
        {
            return;
        }

        foreach (var (name, source) in inputs)
        {
            var entry = JsonPaths.Property(path, name);
            if (SafeRelativePath.Check(name) is { } reason)
            {
                context.Add(entry, $"Invalid input name: {reason}");
            }

            if (source is null)
            {
                context.Add(entry, "An input must be an object, not null.");
                continue;
            }

            var count = (source.Text is null ? 0 : 1) + (source.Base64 is null ? 0 : 1) + (source.Gcs is null ? 0 : 1)
                + (source.Git is null ? 0 : 1) + (source.Bundle is null ? 0 : 1) + (source.Path is null ? 0 : 1);
            if (count != 1)
            {
                context.Add(entry, "Set exactly one of text, base64, gcs, git, bundle or path.");
                continue;
            }

            CheckSource(context, entry, source);
        }
    }

    private static void CheckSource(ValidationContext context, string entry, InputSource source)
    {
        var limits = context.Limits;
        if (source.Text is not null)
        {
            CheckInlineSize(context, JsonPaths.Property(entry, "text"), Encoding.UTF8.GetByteCount(source.Text));
        }
        else if (source.Base64 is not null)
        {
            var buffer = new byte[source.Base64.Length * 3 / 4 + 3];
            if (!Convert.TryFromBase64String(source.Base64, buffer, out var written))
            {
                context.Add(JsonPaths.Property(entry, "base64"), "Not valid base64.");
            }
            else
            {
                CheckInlineSize(context, JsonPaths.Property(entry, "base64"), written);
            }
        }
        else if (source.Gcs is not null && !GcsUri().IsMatch(source.Gcs))
        {
            context.Add(JsonPaths.Property(entry, "gcs"), "Must be gs://bucket/object or gs://bucket/prefix/ (a valid bucket name and a non-empty object name).");
        }
        else if (source.Git is not null)
        {
            CheckGit(context, JsonPaths.Property(entry, "git"), source.Git);
        }
        else if (source.Bundle is not null && !Sha256Hex().IsMatch(source.Bundle))
        {
            context.Add(JsonPaths.Property(entry, "bundle"), "Must be the 64 lowercase hex characters of the bundle's SHA-256.");
        }
        else if (source.Path is not null)
        {
            if (!limits.AllowPathInputs)
            {
                context.Add(JsonPaths.Property(entry, "path"), "path inputs are not accepted here; send the folder with PUT /api/inputs/{sha256} (the CLI's submit does it) and name it as a bundle.");
            }
            else if (source.Path.Length == 0 || source.Path.Any(char.IsControl))
            {
                context.Add(JsonPaths.Property(entry, "path"), "Must be a non-empty path without control characters.");
            }
        }
    }

    private static void CheckInlineSize(ValidationContext context, string path, long bytes)
    {
        if (bytes > context.Limits.MaxInlineInputBytes)
        {
            context.Add(path, $"An inline input is at most {context.Limits.MaxInlineInputBytes / 1024} KiB; larger content goes in a bundle, gcs or git input.");
        }

        context.InlineBytes += bytes;
    }

    private static void CheckGit(ValidationContext context, string path, GitSource git)
    {
        var url = JsonPaths.Property(path, "url");
        if (string.IsNullOrWhiteSpace(git.Url))
        {
            context.Add(url, "A git input needs a url.");
        }
        else if (!Uri.TryCreate(git.Url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.Host.Length == 0)
        {
            context.Add(url, "Must be an https clone URL.");
        }
        else if (uri.UserInfo.Length > 0)
        {
            context.Add(url, "Must not carry credentials; git tokens come from Secret Manager references on the job.");
        }

        if (git.Ref is not null && !GitRef().IsMatch(git.Ref))
        {
            context.Add(JsonPaths.Property(path, "ref"), "A git ref is 1 to 255 characters, does not start with '-' and has no spaces, '..', or any of ~^:?*[\\.");
        }
    }

    [GeneratedRegex(@"\Ags://[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]/[^\x00-\x1f\x7f]{1,1024}\z", RegexOptions.CultureInvariant)]
    private static partial Regex GcsUri();

    [GeneratedRegex(@"\A[0-9a-f]{64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256Hex();

    [GeneratedRegex(@"\A(?!-)(?!.*\.\.)[^\x00-\x20\x7f~^:?*\[\\]{1,255}\z", RegexOptions.CultureInvariant)]
    private static partial Regex GitRef();
}
