using Orchestration.Adapters.LocalRunner;

namespace Orchestration.Activities.Tests.LocalRunner;

/// <summary>The state files as a machine crash may leave those written without fsync: missing or empty.</summary>
public sealed class LocalStateFilesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("orch-state-files-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void TryCreateJson_NotDurable_CreatedOnceAndReadBack()
    {
        var path = Path.Combine(_root, "outcome.json");

        var first = LocalStateFiles.TryCreateJson(path, new Sample("first"), durable: false);
        var second = LocalStateFiles.TryCreateJson(path, new Sample("second"), durable: false);

        Assert.True(first);
        Assert.False(second);
        Assert.Equal(new Sample("first"), LocalStateFiles.TryReadJson<Sample>(path));
        Assert.Equal([path], Directory.GetFiles(_root));
    }

    [Fact]
    public void TryReadJson_FileEmptiedByAMachineCrash_ReadsAsNotWritten()
    {
        var path = Path.Combine(_root, "execution.json");
        File.WriteAllBytes(path, []);

        Assert.Null(LocalStateFiles.TryReadJson<Sample>(path));
        Assert.Null(LocalStateFiles.TryReadJson<Sample>(Path.Combine(_root, "missing.json")));
    }

    [Fact]
    public void ReadMarker_MarkerEmptiedByAMachineCrash_StillMarksAtItsFileTime()
    {
        var path = Path.Combine(_root, "launched");
        var written = new DateTime(2026, 12, 4, 10, 30, 0, DateTimeKind.Utc);
        File.WriteAllBytes(path, []);
        File.SetLastWriteTimeUtc(path, written);

        Assert.Equal(new DateTimeOffset(written), LocalStateFiles.ReadMarker(path));
        Assert.Null(LocalStateFiles.ReadMarker(Path.Combine(_root, "cancelled")));
    }

    [Fact]
    public void ReadMarker_WrittenNotDurable_ReadsTheTimeItHolds()
    {
        var path = Path.Combine(_root, "launched");
        var time = new DateTimeOffset(2026, 12, 4, 10, 30, 0, 123, TimeSpan.Zero).AddTicks(4567);

        Assert.True(LocalStateFiles.TryCreateMarker(path, time, durable: false));

        Assert.Equal(time, LocalStateFiles.ReadMarker(path));
    }

    private sealed record Sample(string Name);
}
