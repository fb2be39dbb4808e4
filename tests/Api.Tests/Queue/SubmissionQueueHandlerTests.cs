using System.Text;
using Orchestration.Domain;
using Orchestration.Tests.Azurite;

namespace Orchestration.Api.Tests.Queue;

/// <summary>The host-agnostic queue handler over a real batch service on the embedded engine, with
/// referenced documents in Azurite blobs.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SubmissionQueueHandlerTests(AzuriteFixture azurite)
{
    private const string Document = """{"id": "queued", "tasks": [{"id": "ok", "n": 3, "command": "echo hi"}]}""";
    private const string WithoutId = """{"tasks": [{"id": "ok", "n": 2, "command": "echo hi"}]}""";

    [Fact]
    public async Task HandleAsync_BatchDocument_AcceptedAndCompletesOnce()
    {
        await using var host = await QueueHost.StartAsync(azurite.ConnectionString);

        var outcome = await host.HandleAsync("m-1", Document);
        var status = await host.Api.WaitForStatusAsync("queued", s => s == "completed");

        Assert.True(outcome.IsAccepted, outcome.Reason);
        Assert.Equal("queued", outcome.BatchId);
        Assert.True(outcome.Created);
        Assert.Equal(3, status.GetProperty("progress").GetProperty("completed").GetInt32());
        Assert.Equal(1, await host.BatchCountAsync());
        Assert.Equal(1, await host.BatchOrchestrationCountAsync());
    }

    [Fact]
    public async Task HandleAsync_BlobReference_SubmitsTheStoredDocument()
    {
        await using var host = await QueueHost.StartAsync(azurite.ConnectionString);
        // Past a queue message's 64 KiB: the case blob references exist for.
        var labels = string.Join(", ", Enumerable.Range(0, 30).Select(i => $"\"l{i}\": \"{new string('v', 250)}\""));
        var big = $$"""{"id": "from-blob", "labels": {{{labels}}}, "tasks": [{"id": "ok", "n": 2, "command": "echo {{new string('x', 70_000)}}"}]}""";
        await host.Container.UploadBlobAsync("2026/11/big.json", BinaryData.FromString(big));

        var outcome = await host.HandleAsync("m-blob", $$"""{"blob": "{{host.Container.Name}}/2026/11/big.json"}""");
        await host.Api.WaitForStatusAsync("from-blob", s => s == "completed");

        Assert.True(outcome.IsAccepted, outcome.Reason);
        Assert.Equal("from-blob", outcome.BatchId);
        Assert.Equal(1, await host.BatchCountAsync());
    }

    [Fact]
    public async Task HandleAsync_DocumentWithoutId_IdDerivedFromMessageId()
    {
        await using var host = await QueueHost.StartAsync(azurite.ConnectionString);

        var first = await host.HandleAsync("3f1c0a52-message", WithoutId);
        var other = await host.HandleAsync("another-message", WithoutId);

        Assert.Equal(BatchIds.FromIdempotencyKey("3f1c0a52-message"), first.BatchId);
        Assert.Equal(BatchIds.FromIdempotencyKey("another-message"), other.BatchId);
        Assert.True(first.Created && other.Created);
        await host.Api.WaitForStatusAsync(first.BatchId!, s => s == "completed");
        Assert.Equal(2, await host.BatchCountAsync());
    }

    [Theory]
    [InlineData(Document)]
    [InlineData(WithoutId)]
    public async Task HandleAsync_SameMessageTwice_OneBatchOneOrchestration(string body)
    {
        await using var host = await QueueHost.StartAsync(azurite.ConnectionString);

        // A host that crashed after submitting and before deleting delivers the same message again.
        var first = await host.HandleAsync("dup-1", body);
        var again = await host.HandleAsync("dup-1", body);
        await host.Api.WaitForStatusAsync(first.BatchId!, s => s == "completed");
        var afterCompletion = await host.HandleAsync("dup-1", body);

        Assert.True(first.IsAccepted && first.Created);
        Assert.True(again.IsAccepted);
        Assert.False(again.Created);
        Assert.False(afterCompletion.Created);
        Assert.Equal(first.BatchId, again.BatchId);
        Assert.Equal(first.BatchId, afterCompletion.BatchId);
        Assert.Equal(1, await host.BatchCountAsync());
        Assert.Equal(1, await host.BatchOrchestrationCountAsync());
        Assert.Equal(first.BatchId!.StartsWith("k-", StringComparison.Ordinal) ? 2 : 3, host.Api.Jobs.Executions.Count);
    }

    public static TheoryData<string, string, string> Malformed() => new()
    {
        { "empty", "", "The message is empty" },
        { "not JSON", "hello", "The batch has 1 problem(s); nothing was started: $: Not valid JSON at line 1, column 1" },
        { "broken JSON", """{"tasks": [""", "nothing was started: $: Not valid JSON at line 1, column 12: " },
        { "validation", """{"tasks": [{"id": "a", "command": "x", "n": 0}, {"id": "b", "command": "y", "maxAttempts": 9}]}""",
            "The batch has 2 problem(s); nothing was started: tasks[0].n: Must be between 1 and 1000. | tasks[1].maxAttempts: " },
        { "unknown field", """{"taks": []}""", "taks: Unknown field" },
        { "blob not a string", """{"blob": 42}""", "'blob' is a number, not a string" },
        { "blob with other fields", """{"blob": "CONTAINER/x.json", "tasks": []}""", "it also has 'tasks'" },
        { "blob without slash", """{"blob": "x.json"}""", "has no '/' between container and name" },
        { "blob in another container", """{"blob": "batches/x.json"}""", "Blob container 'batches' is not allowed; put documents too large for a message in container 'CONTAINER'" },
        { "blob traversal", """{"blob": "CONTAINER/a/../../secrets.json"}""", "Blob name 'a/../../secrets.json' is refused: it has an empty, '.' or '..' segment" },
        { "blob leading slash", """{"blob": "CONTAINER//x.json"}""", "is refused: it has an empty, '.' or '..' segment" },
        { "blob backslash", """{"blob": "CONTAINER/a\\x.json"}""", "is refused: it contains a control character, '\\', '?' or '#'" },
        { "blob missing", """{"blob": "CONTAINER/nowhere.json"}""", "Blob 'CONTAINER/nowhere.json' does not exist." },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task HandleAsync_Malformed_RejectedWithPreciseReasonAndNothingStarted(string name, string body, string reason)
    {
        await using var host = await QueueHost.StartAsync(azurite.ConnectionString);

        var outcome = await host.HandleAsync("bad-" + name, body.Replace("CONTAINER", host.Container.Name, StringComparison.Ordinal));

        Assert.False(outcome.IsAccepted);
        Assert.Contains(reason.Replace("CONTAINER", host.Container.Name, StringComparison.Ordinal), outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await host.BatchCountAsync());
        Assert.Equal(0, await host.Api.InstanceCountAsync());
    }

    [Fact]
    public async Task HandleAsync_BlobOverLimit_RejectedWithoutDownload()
    {
        await using var host = await QueueHost.StartAsync(azurite.ConnectionString, maxBlobBytes: 1000);
        await host.Container.UploadBlobAsync("big.json", BinaryData.FromBytes(Encoding.UTF8.GetBytes(Document.PadRight(1001))));

        var outcome = await host.HandleAsync("m-big", $$"""{"blob": "{{host.Container.Name}}/big.json"}""");

        Assert.Equal($"Blob '{host.Container.Name}/big.json' is 1001 bytes, over the 1000-byte limit (Orchestration:Queue:MaxBlobBytes).", outcome.Reason);
        Assert.Equal(0, await host.BatchCountAsync());
    }

    [Fact]
    public async Task HandleAsync_InvalidDocumentInBlob_ReasonNamesTheBlob()
    {
        await using var host = await QueueHost.StartAsync(azurite.ConnectionString);
        await host.Container.UploadBlobAsync("bad.json", BinaryData.FromString("""{"tasks": [{"id": "a", "command": "x", "n": 0}]}"""));

        var outcome = await host.HandleAsync("m-bad-blob", $$"""{"blob": "{{host.Container.Name}}/bad.json"}""");

        Assert.Equal($"The batch in blob '{host.Container.Name}/bad.json' has 1 problem(s); nothing was started: tasks[0].n: Must be between 1 and 1000.", outcome.Reason);
    }

    [Fact]
    public async Task HandleAsync_SameIdDifferentContent_RejectedAsConflict()
    {
        await using var host = await QueueHost.StartAsync(azurite.ConnectionString);

        var first = await host.HandleAsync("m-a", Document);
        var second = await host.HandleAsync("m-b", Document.Replace("echo hi", "echo changed", StringComparison.Ordinal));

        Assert.True(first.IsAccepted);
        Assert.False(second.IsAccepted);
        Assert.Equal("queued", second.BatchId);
        Assert.Equal("A different batch with id 'queued' exists; choose another id.", second.Reason);
        Assert.Equal(1, await host.BatchOrchestrationCountAsync());
    }

    [Fact]
    public async Task HandleAsync_ManyProblemsInPromptTask_ReasonListsTenAndNeverQuotesThePrompt()
    {
        await using var host = await QueueHost.StartAsync(azurite.ConnectionString);
        var prompt = "TOP-SECRET-PROMPT " + new string('p', 5_000);
        var tasks = string.Join(", ", Enumerable.Range(0, 12).Select(i => $$"""{"id": "t{{i}}", "n": 0, "prompt": "{{prompt}}"}"""));

        var outcome = await host.HandleAsync("m-many", $$"""{"tasks": [{{tasks}}]}""");

        Assert.StartsWith("The batch has 12 problem(s); nothing was started: tasks[0].n: ", outcome.Reason, StringComparison.Ordinal);
        Assert.EndsWith("(and 2 more)", outcome.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("TOP-SECRET-PROMPT", outcome.Reason, StringComparison.Ordinal);
        Assert.True(outcome.Reason!.Length < 2_500, $"{outcome.Reason.Length} characters");
    }
}
