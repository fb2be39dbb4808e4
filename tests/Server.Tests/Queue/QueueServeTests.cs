using System.Net;
using System.Text.Json;
using Orchestration.Tests.Azurite;

namespace Orchestration.Server.Tests.Queue;

/// <summary><c>serve</c> as a child process with a queue connection configured: messages put on Azurite's
/// <c>batch-submissions</c> become batches run by the local job runner.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class QueueServeTests(AzuriteFixture azurite) : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("serve-queue-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A detached execution may still be writing; the temp folder is left behind.
        }
    }

    private (ServerProcess Server, HttpClient Http) StartServe()
    {
        var port = ServerProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["Standalone__Queue__ConnectionString"] = azurite.ConnectionString,
            ["Standalone__Queue__PollInterval"] = "00:00:00.200",
            ["Standalone__Queue__VisibilityTimeout"] = "00:00:05",
        };
        var server = ServerProcess.Start(environment, "serve", "--urls", $"http://127.0.0.1:{port}", "--data", _data);
        return (server, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) });
    }

    [Fact]
    public async Task Serve_GoodMessage_OneBatchCompletesAndMessageDeleted()
    {
        var queues = await TestQueues.EmptyAsync(azurite.ConnectionString);
        await queues.SendAsync("""{"id": "from-queue", "tasks": [{"id": "ok", "n": 3, "command": "echo queued"}]}""");
        var (server, http) = StartServe();
        using var _ = server;
        using var __ = http;

        var status = await server.WaitForBatchEndAsync(http, "from-queue");
        var list = await http.GetStringAsync("/api/batches");
        var stdout = await http.GetStringAsync("/api/batches/from-queue/runs/ok/2/artifacts/stdout");

        Assert.Equal("completed", status.GetProperty("status").GetString());
        Assert.Equal(3, status.GetProperty("tasks")[0].GetProperty("passed").GetInt32());
        Assert.Single(JsonDocument.Parse(list).RootElement.GetProperty("items").EnumerateArray());
        Assert.Contains("queued", stdout, StringComparison.Ordinal);
        Assert.Equal(0, await queues.ApproximateCountAsync(queues.Submissions));
        Assert.Empty(await queues.PeekPoisonAsync());
    }

    [Fact]
    public async Task Serve_MalformedMessagesAhead_PoisonedWithReasonsAndTheGoodOneBehindStillRuns()
    {
        var queues = await TestQueues.EmptyAsync(azurite.ConnectionString);
        var notBase64 = (await queues.Raw.SendMessageAsync("""{"id": "raw", "tasks": []}""")).Value.MessageId;
        var invalid = await queues.SendAsync("""{"id": "invalid", "tasks": [{"id": "a", "command": "x", "n": 0}]}""");
        var broken = await queues.SendAsync("""{"tasks": [""");
        await queues.SendAsync("""{"id": "behind", "tasks": [{"id": "ok", "n": 2, "command": "echo fine"}]}""");
        var (server, http) = StartServe();
        using var _ = server;
        using var __ = http;

        Assert.Equal("completed", (await server.WaitForBatchEndAsync(http, "behind")).GetProperty("status").GetString());
        await queues.WaitUntilAsync(async () => (await queues.PeekPoisonAsync()).Count == 3, "three poison messages");
        var poison = (await queues.PeekPoisonAsync()).ToDictionary(p => p.GetProperty("messageId").GetString()!);

        Assert.StartsWith("The message is not base64, but Orchestration:Queue:MessageEncoding is Base64", poison[notBase64].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("""{"id": "raw", "tasks": []}""", poison[notBase64].GetProperty("body").GetString());
        Assert.Equal("The batch has 1 problem(s); nothing was started: tasks[0].n: Must be between 1 and 1000.", poison[invalid].GetProperty("reason").GetString());
        Assert.Equal(1, poison[invalid].GetProperty("dequeueCount").GetInt32());
        Assert.StartsWith("The batch has 1 problem(s); nothing was started: $: Not valid JSON at line 1, column 12", poison[broken].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("""{"tasks": [""", poison[broken].GetProperty("body").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/batches/invalid")).StatusCode);
        Assert.Single(JsonDocument.Parse(await http.GetStringAsync("/api/batches")).RootElement.GetProperty("items").EnumerateArray());
        await queues.WaitUntilAsync(async () => await queues.ApproximateCountAsync(queues.Submissions) == 0, "the submissions queue to empty");
    }
}
