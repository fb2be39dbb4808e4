using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestration.Domain.Normalization;

/// <summary>The canonical JSON of a normalised batch and its SHA-256.</summary>
/// <remarks>Object members are written sorted by ordinal name at every depth and nulls are omitted, so
/// the bytes depend only on what the batch means, not on the dictionary type a stored batch was read
/// back into. The hash decides whether a resubmission with the same id is the same batch (returned as
/// is) or a different one (conflict).</remarks>
public static class CanonicalJson
{
    /// <summary>The canonical UTF-8 JSON of a batch.</summary>
    /// <param name="batch">The normalised batch.</param>
    /// <returns>The bytes.</returns>
    public static byte[] Serialize(Batch batch) => SerializeValue(batch);

    /// <summary>The lowercase hex SHA-256 of the canonical JSON.</summary>
    /// <param name="batch">The normalised batch.</param>
    /// <returns>64 hex characters.</returns>
    public static string Hash(Batch batch) => HashOf(batch);

    /// <summary>The lowercase hex SHA-256 of any value's canonical JSON (same options, sorted members).</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>64 hex characters.</returns>
    public static string HashOf<T>(T value) => Convert.ToHexStringLower(SHA256.HashData(SerializeValue(value)));

    private static byte[] SerializeValue<T>(T value)
    {
        var node = JsonSerializer.SerializeToNode(value, BatchJson.Options.Info<T>());
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, node);
        }

        return buffer.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, child) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (child is null)
                    {
                        continue;
                    }

                    writer.WritePropertyName(name);
                    Write(writer, child);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case null:
                writer.WriteNullValue();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
