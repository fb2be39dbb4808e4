using System.Text;
using System.Text.Json;
using Orchestration.Adapters.LocalRunner.Native;

namespace Orchestration.Activities.Tests.LocalRunner.Native;

public sealed class NativeJournalTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("native-journal-").FullName;

    private string Path0 => Path.Combine(_folder, "journal");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void TryRecord_SecondRecordOfAName_RefusedAndFirstValueKept()
    {
        var journal = new NativeJournal(Path0);

        var first = journal.TryRecord("work.launched", "2026-12-04T10:00:00.000Z\n600\n");
        var second = journal.TryRecord("work.launched", "later");

        Assert.True(first);
        Assert.False(second);
        Assert.Equal("2026-12-04T10:00:00.000Z\n600\n", journal.Read("work.launched"));
    }

    [Fact]
    public void Record_NewValue_ReplacesTheEarlierOneForReaders()
    {
        var journal = new NativeJournal(Path0);

        journal.Record("output.after-result", "1");
        journal.Record("output.after-result", "0");

        Assert.Equal("0", new NativeJournal(Path0).Read("output.after-result"));
        Assert.False(journal.Has("claimed"));
        Assert.Null(journal.Read("claimed"));
    }

    [Fact]
    public void Read_LineCutShortByACrash_IgnoredAndLaterRecordsReadWhole()
    {
        var journal = new NativeJournal(Path0);
        journal.Record("claimed", "0");
        File.AppendAllText(Path0, "[\"work.laun", Encoding.UTF8);

        var launchedBeforeAppend = journal.Has("work.launched");
        var recorded = journal.TryRecord("work.launched", "t\n5\n");

        Assert.False(launchedBeforeAppend);
        Assert.True(recorded);
        Assert.Equal("t\n5\n", journal.Read("work.launched"));
        Assert.Equal("0", journal.Read("claimed"));
        Assert.Equal(3, File.ReadAllText(Path0).Count(c => c == '\n'));
    }

    [Fact]
    public void Read_NoJournalYet_NothingRecorded()
    {
        var journal = new NativeJournal(Path0);

        Assert.False(journal.Has("setup.started"));
        Assert.False(File.Exists(Path0));
    }

    [Fact]
    public void Records_WrittenByOneInstance_ReadWholeByTheNextDriversInstance()
    {
        var journal = new NativeJournal(Path0);
        journal.TryRecord("setup.started", "1700000000");
        journal.TryRecord("claimed", "0");
        journal.TryRecord("work.launched", "t\n5\n");
        journal.Record("output.after-result", "1");

        var next = new NativeJournal(Path0);

        Assert.Equal("1700000000", next.Read("setup.started"));
        Assert.Equal("0", next.Read("claimed"));
        Assert.Equal("t\n5\n", next.Read("work.launched"));
        Assert.Equal("1", next.Read("output.after-result"));
        Assert.False(next.TryRecord("claimed", "9"));
        Assert.Equal(4, File.ReadAllText(Path0).Count(c => c == '\n'));
    }

    [Fact]
    public void Record_Line_SameBytesAsTheReflectionSerializer()
    {
        const string value = "<a & \"b\">\ncafé ☕ \u0001 \\ end";
        var journal = new NativeJournal(Path0);

        journal.Record("judged", value);

        // What the journal wrote before generated metadata: the serializer's defaults, by reflection.
        Assert.Equal($"[{JsonSerializer.Serialize("judged")},{JsonSerializer.Serialize(value)}]\n", File.ReadAllText(Path0));
        Assert.Equal(value, new NativeJournal(Path0).Read("judged"));
    }
}
