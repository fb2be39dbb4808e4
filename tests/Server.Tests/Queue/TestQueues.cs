using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Orchestration.Adapters.Queue;

namespace Orchestration.Server.Tests.Queue;

/// <summary>The two queues as a producer and an operator see them (base64 messages, as the Functions
/// tooling puts them), emptied before each test: the tests of the Azurite collection run one at a time.</summary>
public sealed class TestQueues
{
    private TestQueues(string connectionString)
    {
        Submissions = new QueueClient(connectionString, SubmissionQueues.Name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        Raw = new QueueClient(connectionString, SubmissionQueues.Name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        Poison = new QueueClient(connectionString, SubmissionQueues.PoisonName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
    }

    /// <summary>Puts and reads base64 messages.</summary>
    public QueueClient Submissions { get; }

    /// <summary>Puts message text verbatim (a producer that forgot to encode).</summary>
    public QueueClient Raw { get; }

    public QueueClient Poison { get; }

    public static async Task<TestQueues> EmptyAsync(string connectionString)
    {
        var queues = new TestQueues(connectionString);
        foreach (var queue in new[] { queues.Submissions, queues.Poison })
        {
            await queue.CreateIfNotExistsAsync();
            await queue.ClearMessagesAsync();
        }

        return queues;
    }

    public async Task<string> SendAsync(string body) => (await Submissions.SendMessageAsync(body)).Value.MessageId;

    /// <summary>Messages still on the queue, visible or not.</summary>
    public async Task<int> ApproximateCountAsync(QueueClient queue) => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

    /// <summary>Every poison message, parsed, without taking them off the queue.</summary>
    public async Task<IReadOnlyList<JsonElement>> PeekPoisonAsync()
    {
        PeekedMessage[] peeked = (await Poison.PeekMessagesAsync(32)).Value;
        return [.. peeked.Select(m => JsonDocument.Parse(m.Body.ToMemory()).RootElement.Clone())];
    }

    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }
}
