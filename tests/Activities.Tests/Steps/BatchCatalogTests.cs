namespace Orchestration.Activities.Tests.Steps;

public sealed class BatchCatalogTests : IDisposable
{
    private readonly StepsHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task Parse_SameSubmissionReadAgain_ReturnsTheBatchParsedBefore()
    {
        // Arrange
        await _h.SubmitAsync("""{"id": "b1", "tasks": [{"id": "t", "command": "echo hi"}]}""");
        var first = _h.Catalog.Parse((await _h.Batches.GetAsync("b1"))!);

        // Act
        var again = _h.Catalog.Parse((await _h.Batches.GetAsync("b1"))!);

        // Assert
        Assert.Same(first, again);
        Assert.Equal("t", again.Tasks.Single().Id);
    }

    [Fact]
    public async Task Parse_IdPurgedAndSubmittedAgain_ReadsTheNewDocument()
    {
        // Arrange
        await _h.SubmitAsync("""{"id": "b1", "tasks": [{"id": "old", "command": "echo hi"}]}""", nonce: "n1");
        _h.Catalog.Parse((await _h.Batches.GetAsync("b1"))!);
        await _h.Batches.DeleteAsync("b1");
        await _h.SubmitAsync("""{"id": "b1", "tasks": [{"id": "new", "command": "echo hi"}]}""", nonce: "n2");

        // Act
        var batch = _h.Catalog.Parse((await _h.Batches.GetAsync("b1"))!);

        // Assert
        Assert.Equal("new", batch.Tasks.Single().Id);
    }
}
