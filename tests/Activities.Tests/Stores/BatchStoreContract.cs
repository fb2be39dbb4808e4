using System.Text;
using Orchestration.Activities.Stores;
using Orchestration.Domain;

namespace Orchestration.Activities.Tests.Stores;

/// <summary>The behaviour every batch store adapter must show; each adapter's test class inherits it.</summary>
public abstract class BatchStoreContract
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    protected abstract IBatchStore Store { get; }

    private static StoredBatch Batch(string id, string hash = "h1", int minute = 0, BatchStatus status = BatchStatus.Pending) =>
        new(id, hash, "nonce-" + id, status, null, T0.AddMinutes(minute), T0.AddMinutes(minute), 10, Encoding.UTF8.GetBytes($"{{\"id\":\"{id}\",\"hash\":\"{hash}\"}}"));

    [Fact]
    public async Task InsertIfAbsent_NewId_InsertedAndReadable()
    {
        var result = await Store.InsertIfAbsentAsync(Batch("b1"));
        var read = await Store.GetAsync("b1");

        Assert.Equal(BatchInsertOutcome.Inserted, result.Outcome);
        Assert.NotNull(read);
        Assert.Equal("h1", read.Hash);
        Assert.Equal("nonce-b1", read.Nonce);
        Assert.Equal(T0, read.CreatedAt);
        Assert.Equal("{\"id\":\"b1\",\"hash\":\"h1\"}", Encoding.UTF8.GetString(read.Document.Span));
    }

    [Fact]
    public async Task InsertIfAbsent_SameIdSameHash_ReturnsExistingWithItsNonce()
    {
        await Store.InsertIfAbsentAsync(Batch("b1"));

        var again = await Store.InsertIfAbsentAsync(Batch("b1") with { Nonce = "another-nonce" });

        Assert.Equal(BatchInsertOutcome.AlreadyExists, again.Outcome);
        Assert.Equal("nonce-b1", again.Stored.Nonce);
    }

    [Fact]
    public async Task InsertIfAbsent_SameIdOtherHash_ConflictAndOriginalKept()
    {
        await Store.InsertIfAbsentAsync(Batch("b1"));

        var other = await Store.InsertIfAbsentAsync(Batch("b1", hash: "h2"));
        var read = await Store.GetAsync("b1");

        Assert.Equal(BatchInsertOutcome.Conflict, other.Outcome);
        Assert.Equal("h1", read!.Hash);
        Assert.Equal("{\"id\":\"b1\",\"hash\":\"h1\"}", Encoding.UTF8.GetString(read.Document.Span));
    }

    [Fact]
    public async Task InsertIfAbsent_ConcurrentSubmissions_ExactlyOneInserted()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Store.InsertIfAbsentAsync(Batch("race") with { Nonce = $"n{i}" })));

        Assert.Single(results, r => r.Outcome == BatchInsertOutcome.Inserted);
        Assert.All(results, r => Assert.Equal(results.Single(x => x.Outcome == BatchInsertOutcome.Inserted).Stored.Nonce, r.Stored.Nonce));
    }

    [Fact]
    public async Task InsertIfAbsent_WhilePurging_Conflict()
    {
        await Store.InsertIfAbsentAsync(Batch("b1"));
        await Store.SetStatusAsync("b1", BatchStatus.Purging, null, T0);

        var again = await Store.InsertIfAbsentAsync(Batch("b1"));

        Assert.Equal(BatchInsertOutcome.Conflict, again.Outcome);
    }

    [Fact]
    public async Task SetStatus_FinishedBatch_NeverGoesBackToRunning()
    {
        await Store.InsertIfAbsentAsync(Batch("b1"));
        await Store.SetStatusAsync("b1", BatchStatus.Running, null, T0.AddMinutes(1));
        await Store.SetStatusAsync("b1", BatchStatus.Failed, "5 Claude auth failures", T0.AddMinutes(2));

        var late = await Store.SetStatusAsync("b1", BatchStatus.Running, null, T0.AddMinutes(3));
        var read = await Store.GetAsync("b1");

        Assert.True(late);
        Assert.Equal(BatchStatus.Failed, read!.Status);
        Assert.Equal("5 Claude auth failures", read.Reason);
        Assert.Equal(T0.AddMinutes(2), read.UpdatedAt);
    }

    [Fact]
    public async Task Reopen_FinishedBeforeTheRequest_RunningAgain_LateRepeatAfterItEndedChangesNothing()
    {
        await Store.InsertIfAbsentAsync(Batch("b1"));
        Assert.False(await Store.ReopenAsync("b1", T0.AddMinutes(5), T0.AddMinutes(5)));
        await Store.SetStatusAsync("b1", BatchStatus.Failed, "2 runs errored", T0.AddMinutes(2));

        // A rerun asked at minute 5 reopens the batch, clearing the reason; a repeat keeps it running.
        Assert.True(await Store.ReopenAsync("b1", T0.AddMinutes(5), T0.AddMinutes(6)));
        var reopened = await Store.GetAsync("b1");
        Assert.True(await Store.ReopenAsync("b1", T0.AddMinutes(5), T0.AddMinutes(7)));
        await Store.SetStatusAsync("b1", BatchStatus.Completed, null, T0.AddMinutes(8));

        // A late repeat of the rerun's first step, after the rerun ended: the status written since stands.
        var late = await Store.ReopenAsync("b1", T0.AddMinutes(5), T0.AddMinutes(9));
        var read = await Store.GetAsync("b1");

        Assert.Equal((BatchStatus.Running, null, T0.AddMinutes(6)), (reopened!.Status, reopened.Reason, reopened.UpdatedAt));
        Assert.False(late);
        Assert.Equal((BatchStatus.Completed, T0.AddMinutes(8)), (read!.Status, read.UpdatedAt));
        Assert.False(await Store.ReopenAsync("nope", T0, T0));
    }

    [Fact]
    public async Task Reopen_PurgingBatch_Refused()
    {
        await Store.InsertIfAbsentAsync(Batch("b1"));
        await Store.SetStatusAsync("b1", BatchStatus.Purging, null, T0.AddMinutes(1));

        Assert.False(await Store.ReopenAsync("b1", T0.AddMinutes(5), T0.AddMinutes(6)));
        Assert.Equal(BatchStatus.Purging, (await Store.GetAsync("b1"))!.Status);
    }

    [Fact]
    public async Task SetStatus_UnknownBatch_False()
    {
        Assert.False(await Store.SetStatusAsync("nope", BatchStatus.Running, null, T0));
    }

    [Fact]
    public async Task List_FilterAndPaging_VisitsEachMatchOnce()
    {
        for (var i = 0; i < 7; i++)
        {
            await Store.InsertIfAbsentAsync(Batch($"b{i}", minute: i, status: i % 2 == 0 ? BatchStatus.Completed : BatchStatus.Running));
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Store.ListAsync(new BatchQuery([BatchStatus.Completed], PageSize: 2, ContinuationToken: token));
            seen.AddRange(page.Items.Select(b => b.Id));
            Assert.All(page.Items, b => Assert.Equal(BatchStatus.Completed, b.Status));
            Assert.All(page.Items, b => Assert.True(b.Document.IsEmpty));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(["b0", "b2", "b4", "b6"], seen.Order());
    }

    [Fact]
    public async Task List_CreatedRange_OnlyThatWindow()
    {
        for (var i = 0; i < 5; i++)
        {
            await Store.InsertIfAbsentAsync(Batch($"b{i}", minute: i * 10));
        }

        var page = await Store.ListAsync(new BatchQuery(CreatedFrom: T0.AddMinutes(10), CreatedTo: T0.AddMinutes(30)));

        Assert.Equal(["b1", "b2"], page.Items.Select(b => b.Id).Order());
    }

    [Fact]
    public async Task List_LabelsOfEachBatch_ReadWithoutItsDocumentAndKeptAcrossStatusChanges()
    {
        await Store.InsertIfAbsentAsync(Batch("b1") with { Document = Encoding.UTF8.GetBytes("""{"id":"b1","labels":{"team":"safety","model":"m-7"},"tasks":[]}""") });
        await Store.InsertIfAbsentAsync(Batch("b2"));
        await Store.SetStatusAsync("b1", BatchStatus.Running, null, T0.AddMinutes(1));

        var page = await Store.ListAsync(new BatchQuery());
        var b1 = page.Items.Single(b => b.Id == "b1");
        var b2 = page.Items.Single(b => b.Id == "b2");

        Assert.True(b1.Document.IsEmpty);
        Assert.Equal(new Dictionary<string, string> { ["model"] = "m-7", ["team"] = "safety" }, BatchLabels.Of(b1));
        Assert.Empty(BatchLabels.Of(b2));
        Assert.Equal(BatchLabels.Of(b1), BatchLabels.Of((await Store.GetAsync("b1"))!));
    }

    [Fact]
    public async Task Delete_RemovesBatchAndAllowsNewSubmission()
    {
        await Store.InsertIfAbsentAsync(Batch("b1"));

        var deleted = await Store.DeleteAsync("b1");
        var again = await Store.InsertIfAbsentAsync(Batch("b1", hash: "h2"));

        Assert.True(deleted);
        Assert.Null(await Store.GetAsync("nothing"));
        Assert.False(await Store.DeleteAsync("nothing"));
        Assert.Equal(BatchInsertOutcome.Inserted, again.Outcome);
    }
}
