using System.Text.Json.Nodes;
using Orchestration.Activities.Inputs;

namespace Orchestration.Server.Remote;

/// <summary>Turns the <c>path</c> inputs of a batch document into what a remote server accepts: a folder becomes
/// a content-addressed bundle (<c>{"bundle": sha256}</c>, sent first with <c>PUT /api/inputs</c>), a file becomes
/// inline <c>base64</c>.</summary>
/// <remarks>Paths resolve against the batch file's folder and may not leave it or pass through a link: the same
/// rules <c>run</c> applies, so a file means the same thing locally and remotely. Folders are bundled by the
/// same <see cref="InputBundler"/> and <see cref="BundleOptions"/> as the server uses, so <c>.git</c>,
/// <c>node_modules</c> and the other excluded folders stay behind at any depth, and the same content gives the
/// same hash: a resubmitted file is the same batch. A bundle unpacks into a folder named after the input,
/// which is why a single file travels inline instead.</remarks>
/// <param name="root">The batch file's folder.</param>
internal sealed class PathInputs(string root)
{
    private readonly BundleOptions _options = new();
    private readonly Dictionary<string, JsonObject> _done = new(StringComparer.Ordinal);
    private readonly List<(string Input, BuiltBundle Bundle)> _bundles = [];

    /// <summary>The bundles built, in the order their inputs appear (the caller uploads, then deletes them).</summary>
    public IReadOnlyList<(string Input, BuiltBundle Bundle)> Bundles => _bundles;

    /// <summary>Rewrites every <c>path</c> input of <c>defaults.inputs</c> and <c>tasks[*].inputs</c> in place.</summary>
    /// <returns>How many inputs were rewritten.</returns>
    /// <exception cref="BundleException">A path that leaves the folder, goes through a link, or does not exist.</exception>
    public async Task<int> RewriteAsync(JsonObject document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var count = 0;
        if (document["defaults"] is JsonObject defaults)
        {
            count += await RewriteInputsAsync(defaults["inputs"], "defaults", cancellationToken).ConfigureAwait(false);
        }

        if (document["tasks"] is JsonArray tasks)
        {
            for (var i = 0; i < tasks.Count; i++)
            {
                if (tasks[i] is JsonObject task)
                {
                    var where = task["id"] is JsonValue id && id.TryGetValue<string>(out var text) ? $"task '{text}'" : $"tasks[{i}]";
                    count += await RewriteInputsAsync(task["inputs"], where, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return count;
    }

    /// <summary>Deletes the temporary bundle files.</summary>
    public void DeleteBundles()
    {
        foreach (var (_, bundle) in _bundles)
        {
            File.Delete(bundle.GzipPath);
        }
    }

    private async Task<int> RewriteInputsAsync(JsonNode? inputs, string where, CancellationToken cancellationToken)
    {
        if (inputs is not JsonObject map)
        {
            return 0;
        }

        var count = 0;
        foreach (var (name, value) in map.ToList())
        {
            // Only a lone, well-formed path: anything else goes to the server as written, which names the problem.
            if (value is JsonObject { Count: 1 } source && source["path"] is JsonValue path && path.TryGetValue<string>(out var relative) && relative.Length > 0)
            {
                map[name] = (await ReplacementAsync($"{where}, input '{name}'", relative, cancellationToken).ConfigureAwait(false)).DeepClone();
                count++;
            }
        }

        return count;
    }

    private async Task<JsonObject> ReplacementAsync(string input, string relative, CancellationToken cancellationToken)
    {
        var full = Resolve(input, relative);
        if (_done.TryGetValue(full, out var known))
        {
            return known;
        }

        JsonObject replacement;
        if (File.Exists(full))
        {
            replacement = new JsonObject { ["base64"] = Convert.ToBase64String(await File.ReadAllBytesAsync(full, cancellationToken).ConfigureAwait(false)) };
        }
        else if (Directory.Exists(full))
        {
            // The folder's children at the bundle's root: the runner unpacks a bundle input into input/{name}/.
            var entries = new DirectoryInfo(full).EnumerateFileSystemInfos()
                .Where(c => !(c is DirectoryInfo && c.LinkTarget is null && _options.ExcludedFolders.Contains(c.Name, StringComparer.Ordinal)))
                .Select(c => new BundleEntry(c.Name, LocalPath: c.FullName))
                .ToList();
            var bundle = await new InputBundler(_options).BuildAsync(entries, cancellationToken).ConfigureAwait(false);
            _bundles.Add((input, bundle));
            replacement = new JsonObject { ["bundle"] = bundle.Sha256 };
        }
        else
        {
            throw new BundleException($"{input}: {relative} does not exist (paths are relative to the batch file's folder, {root}).");
        }

        _done[full] = replacement;
        return replacement;
    }

    private string Resolve(string input, string relative)
    {
        var fullRoot = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(fullRoot, relative));
        if (!(full + Path.DirectorySeparatorChar).StartsWith(fullRoot, StringComparison.Ordinal))
        {
            throw new BundleException($"{input}: {relative} is outside the batch file's folder ({fullRoot.TrimEnd(Path.DirectorySeparatorChar)}), as it would be for run.");
        }

        // A link on the way (root/link -> /etc) would lead outside the folder while the string stays inside.
        var walked = fullRoot.TrimEnd(Path.DirectorySeparatorChar);
        foreach (var segment in (full.Length > fullRoot.Length ? full[fullRoot.Length..] : "").Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            walked = Path.Combine(walked, segment);
            if (new FileInfo(walked).LinkTarget is not null)
            {
                throw new BundleException($"{input}: {relative} goes through a link ({walked}); links are not followed.");
            }
        }

        return full.TrimEnd(Path.DirectorySeparatorChar);
    }
}
