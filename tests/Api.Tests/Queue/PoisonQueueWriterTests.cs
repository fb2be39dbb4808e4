using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestration.Adapters.Queue;
using Orchestration.Tests.Azurite;

namespace Orchestration.Api.Tests.Queue;

/// <summary>Poison messages as written to Azurite and read back by another client, in both encodings.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class PoisonQueueWriterTests(AzuriteFixture azurite)
{
    private async Task<(PoisonQueueWriter Writer, QueueClient Reader)> CreateAsync(QueueMessageEncoding encoding)
    {
        var options = Options.Create(new SubmissionQueueOptions { MessageEncoding = encoding });
        var clients = new SubmissionQueueClients(azurite.ConnectionString, options);
        await clients.CreateQueuesAsync();
        await clients.Poison.ClearMessagesAsync();
        var reader = new QueueClient(azurite.ConnectionString, SubmissionQueues.PoisonName, new QueueClientOptions { MessageEncoding = encoding });
        return (new PoisonQueueWriter(clients, options, TimeProvider.System, NullLogger<PoisonQueueWriter>.Instance), reader);
    }

    private static async Task<JsonElement> ReadSingleAsync(QueueClient reader)
    {
        var messages = (await reader.ReceiveMessagesAsync(32)).Value;
        var message = Assert.Single(messages);
        using var document = JsonDocument.Parse(message.Body.ToMemory());
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task WriteAsync_Base64Encoding_ReasonBesideTheOriginalText()
    {
        var (writer, reader) = await CreateAsync(QueueMessageEncoding.Base64);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        const string Body = """{"tasks": [}""";

        await writer.WriteAsync("msg-1", "tasks[0]: Not valid JSON.", 3, BinaryData.FromString(Body));
        var raw = (await new QueueClient(azurite.ConnectionString, SubmissionQueues.PoisonName).PeekMessageAsync()).Value.Body.ToString();
        var poison = await ReadSingleAsync(reader);

        Assert.StartsWith("eyJ", raw, StringComparison.Ordinal); // base64 of '{"'
        Assert.Equal("msg-1", poison.GetProperty("messageId").GetString());
        Assert.Equal("tasks[0]: Not valid JSON.", poison.GetProperty("reason").GetString());
        Assert.Equal(3, poison.GetProperty("dequeueCount").GetInt64());
        Assert.InRange(poison.GetProperty("rejectedAt").GetDateTimeOffset(), before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal("text", poison.GetProperty("bodyEncoding").GetString());
        Assert.Equal(Body, poison.GetProperty("body").GetString());
        Assert.Equal(Body.Length, poison.GetProperty("bodyBytes").GetInt32());
        Assert.False(poison.GetProperty("bodyTruncated").GetBoolean());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Body))), poison.GetProperty("bodySha256").GetString());
    }

    [Fact]
    public async Task WriteAsync_NoneEncoding_JsonVerbatim()
    {
        var (writer, reader) = await CreateAsync(QueueMessageEncoding.None);

        await writer.WriteAsync("msg-2", "reason", 1, BinaryData.FromString("{}"));
        var poison = await ReadSingleAsync(reader);

        Assert.Equal("msg-2", poison.GetProperty("messageId").GetString());
        Assert.Equal("{}", poison.GetProperty("body").GetString());
    }

    [Fact]
    public async Task WriteAsync_NotUtf8_BodyAsBase64()
    {
        var (writer, reader) = await CreateAsync(QueueMessageEncoding.Base64);
        byte[] body = [0xff, 0xfe, 0x00, 0x41];

        await writer.WriteAsync("msg-3", "The message is not base64.", 1, BinaryData.FromBytes(body));
        var poison = await ReadSingleAsync(reader);

        Assert.Equal("base64", poison.GetProperty("bodyEncoding").GetString());
        Assert.Equal(body, Convert.FromBase64String(poison.GetProperty("body").GetString()!));
        Assert.False(poison.GetProperty("bodyTruncated").GetBoolean());
    }

    [Theory]
    [InlineData(QueueMessageEncoding.Base64, 'x', "text")]
    [InlineData(QueueMessageEncoding.None, 'x', "text")]
    [InlineData(QueueMessageEncoding.Base64, '\u0001', "base64")] // escaped as \u0001, six bytes each: cut as base64 instead
    [InlineData(QueueMessageEncoding.Base64, 'é', "text")]
    public async Task WriteAsync_BodyOf64KiB_CutToFitOneQueueMessage(QueueMessageEncoding encoding, char fill, string expectedEncoding)
    {
        var (writer, reader) = await CreateAsync(encoding);
        var body = Encoding.UTF8.GetBytes(new string(fill, 64 * 1024));

        await writer.WriteAsync("msg-big", new string('r', 5_000), 5, BinaryData.FromBytes(body));
        var poison = await ReadSingleAsync(reader);

        Assert.Equal(expectedEncoding, poison.GetProperty("bodyEncoding").GetString());
        Assert.True(poison.GetProperty("bodyTruncated").GetBoolean());
        Assert.Equal(body.Length, poison.GetProperty("bodyBytes").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), poison.GetProperty("bodySha256").GetString());
        var kept = expectedEncoding == "text"
            ? Encoding.UTF8.GetBytes(poison.GetProperty("body").GetString()!)
            : Convert.FromBase64String(poison.GetProperty("body").GetString()!);
        Assert.True(kept.Length >= 16 * 1024, $"only {kept.Length} bytes kept");
        Assert.Equal(body.AsSpan(0, kept.Length).ToArray(), kept);
        Assert.EndsWith("…", poison.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }
}
