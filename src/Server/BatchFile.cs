using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestration.Domain;

namespace Orchestration.Server;

/// <summary>A batch file as <c>run</c> and <c>submit</c> read it: the same id for the same file.</summary>
internal static class BatchFile
{
    /// <summary>The document with an id: the file's own, or one from its name and content hash.</summary>
    /// <remarks>The derived id hashes the file as written, so running or submitting the same file again
    /// finds the same batch, and an edited file starts a new one.</remarks>
    /// <param name="content">The file's bytes.</param>
    /// <param name="fileName">The file's name.</param>
    /// <returns>The document (with the id added when it had none) and the id.</returns>
    public static (byte[] Document, string Id) WithId(byte[] content, string fileName)
    {
        var derived = BatchIds.FromFile(fileName, content);
        try
        {
            if (JsonNode.Parse(content) is JsonObject root)
            {
                if (root["id"] is JsonValue value && value.TryGetValue<string>(out var own))
                {
                    return (content, own);
                }

                if (!root.ContainsKey("id"))
                {
                    root["id"] = derived;
                    return (ServerJson.Utf8(root), derived);
                }
            }
        }
        catch (JsonException)
        {
            // Broken JSON: the intake reports it with its position.
        }

        return (content, derived);
    }

    /// <summary>The document with <c>maxParallelRuns</c> set to <paramref name="parallel"/> (<c>run --parallel</c>).</summary>
    /// <remarks>Set in the document, so the batch is validated, stored and resumed with it like any field; a
    /// derived id then hashes the changed document, so another <c>--parallel</c> is another batch, not a conflict.</remarks>
    /// <param name="content">The file's bytes.</param>
    /// <param name="parallel">Runs in flight at most.</param>
    /// <returns>The changed document, or the content itself when it is no JSON object (the intake reports it).</returns>
    public static byte[] WithParallel(byte[] content, int parallel)
    {
        try
        {
            if (JsonNode.Parse(content) is JsonObject root)
            {
                root["maxParallelRuns"] = parallel;
                return ServerJson.Utf8(root);
            }
        }
        catch (JsonException)
        {
            // Broken JSON: the intake reports it with its position.
        }

        return content;
    }
}
