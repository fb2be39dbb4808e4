using System.CommandLine;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestration.Activities.Inputs;
using Orchestration.Domain;
using Orchestration.Workflows.Service;

namespace Orchestration.Server.Remote;

/// <summary><c>submit FILE</c>.</summary>
internal static partial class RemoteCommands
{
    private static Command Submit()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The batch file (JSON). Without an id, one is derived from its name and content, as run does." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Plan without submitting: runs, chunks, jobs, input sets, estimated cost. Nothing is uploaded, stored or started." };
        var json = new Option<bool>("--json") { Description = "With --dry-run: print the plan's JSON instead of the tables." };
        var command = new Command("submit",
            "Submit a batch file to the server: local path inputs are sent first as bundles (without .git, node_modules, __pycache__, .venv). " +
            "Prints the batch id, then its status URL. Submitting the same file again finds the same batch.")
        {
            file, dryRun, json,
        };
        return Wire(command, (context, result, token) => result.GetValue(dryRun)
            ? PlanAsync(context, result.GetValue(file)!, result.GetValue(json), token)
            : SubmitAsync(context, result.GetValue(file)!, token));
    }

    /// <summary><c>submit FILE --dry-run</c>: path inputs are bundled here to learn their names and sizes, never uploaded;
    /// the server says which of them it has already.</summary>
    private static async Task<int> PlanAsync(RemoteContext context, FileInfo file, bool json, CancellationToken cancellationToken)
    {
        if (await ReadBatchFileAsync(context, file, (input, bundle) =>
                context.Err.WriteLineAsync($"Bundled {input} as {bundle.Sha256[..12]} ({bundle.GzipBytes} bytes); not uploaded (dry run)."),
                "Nothing was sent.", cancellationToken).ConfigureAwait(false) is not { } read)
        {
            return ExitCodes.Refused;
        }

        var document = read.Document;
        string text;
        try
        {
            text = await context.Client.PlanAsync(document, cancellationToken).ConfigureAwait(false);
        }
        catch (NotSupportedException ex)
        {
            await context.Err.WriteLineAsync($"orchestration submit: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Refused;
        }

        if (json)
        {
            await context.Out.WriteLineAsync(text).ConfigureAwait(false);
            return ExitCodes.Completed;
        }

        var plan = JsonSerializer.Deserialize(text, ServerJson.Web.Info<DryRunPlan>())!;
        var watcher = context.Watcher();
        watcher.Write(DryRunReport.Render(plan, ascii: !watcher.Interactive, read.Bundles.DistinctBy(b => b.Bundle.Sha256).ToDictionary(b => b.Bundle.Sha256, b => b.Bundle.GzipBytes, StringComparer.Ordinal)));
        return ExitCodes.Completed;
    }

    private static async Task<int> SubmitAsync(RemoteContext context, FileInfo file, CancellationToken cancellationToken)
    {
        if (await ReadBatchFileAsync(context, file, async (input, bundle) =>
            {
                await context.Client.PutBundleAsync(bundle.Sha256, bundle.GzipPath, cancellationToken).ConfigureAwait(false);
                await context.Err.WriteLineAsync($"Sent {input} as bundle {bundle.Sha256[..12]} ({bundle.GzipBytes} bytes).").ConfigureAwait(false);
            }, "Nothing was submitted.", cancellationToken).ConfigureAwait(false) is not { } read)
        {
            return ExitCodes.Refused;
        }

        var (document, id, _) = read;
        try
        {
            var answer = await context.Client.SubmitAsync(document, cancellationToken).ConfigureAwait(false);
            var links = answer.Links;
            await context.Out.WriteLineAsync(links.Id).ConfigureAwait(false);
            await context.Out.WriteLineAsync(new Uri(context.Client.BaseUrl, links.StatusUri).AbsoluteUri).ConfigureAwait(false);
            await context.Err.WriteLineAsync(answer.Created
                ? $"Batch {links.Id} submitted. Follow it with: orchestration status {links.Id} --watch"
                : $"Batch {links.Id} already exists ({answer.Status}); nothing new was submitted. See it with: orchestration status {links.Id}{(BatchWatcher.IsFinished(answer.Status) ? "" : " --watch")}").ConfigureAwait(false);
            return ExitCodes.Completed;
        }
        catch (OrchestrationApiException ex) when (ex.Status == HttpStatusCode.Conflict)
        {
            // Path inputs are part of the submitted content: an edited folder under an unchanged file is a different batch.
            await context.Err.WriteLineAsync($"Batch {id} exists with different content (an edited file with an id, or path inputs that changed since). " +
                "Give the file a new id to submit it as a new batch.").ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Reads a batch file with its id (its own, or one derived from its name and content) and its path inputs
    /// rewritten; each bundle built is handed to <paramref name="onBundle"/> before its temporary file is deleted.</summary>
    /// <returns>The document, id and bundles; null when the file is missing or an input cannot be bundled (said on stderr).</returns>
    private static async Task<(byte[] Document, string Id, IReadOnlyList<(string Input, BuiltBundle Bundle)> Bundles)?> ReadBatchFileAsync(
        RemoteContext context, FileInfo file, Func<string, BuiltBundle, Task> onBundle, string nothingDone, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            await context.Err.WriteLineAsync($"{file.FullName}: no such file.").ConfigureAwait(false);
            return null;
        }

        var (document, id) = BatchFile.WithId(await File.ReadAllBytesAsync(file.FullName, cancellationToken).ConfigureAwait(false), file.Name);
        var inputs = new PathInputs(file.DirectoryName!);
        try
        {
            document = await RewritePathInputsAsync(document, inputs, cancellationToken).ConfigureAwait(false);
            foreach (var (input, bundle) in inputs.Bundles)
            {
                await onBundle(input, bundle).ConfigureAwait(false);
            }

            return (document, id, [.. inputs.Bundles]);
        }
        catch (BundleException ex)
        {
            await context.Err.WriteLineAsync($"{file.Name}: {ex.Message} {nothingDone}").ConfigureAwait(false);
            return null;
        }
        finally
        {
            inputs.DeleteBundles();
        }
    }

    private static async Task<byte[]> RewritePathInputsAsync(byte[] document, PathInputs inputs, CancellationToken cancellationToken)
    {
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(document) as JsonObject;
        }
        catch (JsonException)
        {
            // Broken JSON goes as written: the server's problem names the position.
            return document;
        }

        return root is not null && await inputs.RewriteAsync(root, cancellationToken).ConfigureAwait(false) > 0
            ? ServerJson.Utf8(root)
            : document;
    }
}
