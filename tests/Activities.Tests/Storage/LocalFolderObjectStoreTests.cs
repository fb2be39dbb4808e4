using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Orchestration.Adapters.Storage;
using Orchestration.Tests.Waiting;

namespace Orchestration.Activities.Tests.Storage;

public sealed class LocalFolderObjectStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "orch-store-" + Guid.NewGuid().ToString("N"));
    private readonly LocalFolderObjectStore _store;

    public LocalFolderObjectStoreTests()
    {
        _store = new LocalFolderObjectStore(Options.Create(new LocalFolderObjectStoreOptions { Root = _root, ListPageSize = 1000 }));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));

    private string MetaFolder => Path.Combine(_root, ".orchestration", "meta");

    private string[] SidecarFiles() => Directory.Exists(MetaFolder) ? Directory.GetFiles(MetaFolder) : [];

    /// <summary>The object's metadata attribute as the store wrote it, or null.</summary>
    private string? AttributeOf(string name)
    {
        var path = Path.Combine(_root, name);
        var size = NativeMethods.GetAttribute(path, "user.orchestration.meta", null, 0);
        if (size < 0)
        {
            return null;
        }

        var buffer = new byte[size];
        var read = NativeMethods.GetAttribute(path, "user.orchestration.meta", buffer, (nuint)buffer.Length);
        return Encoding.UTF8.GetString(buffer, 0, (int)read);
    }

    private async Task<string> ReadTextAsync(string name)
    {
        await using var content = await _store.GetAsync(name) ?? throw new InvalidOperationException($"{name} missing");
        return Encoding.UTF8.GetString(await content.ReadAllBytesAsync());
    }

    /// <summary>32 tasks create the same object at once, each with its own bytes; returns which ones said they created it.</summary>
    private static async Task<List<int>> RaceAsync(Func<int, Task<bool>> create)
    {
        var start = new TaskCompletionSource();
        var racers = Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return (i, Created: await create(i));
        })).ToList();

        start.SetResult();
        return [.. (await Task.WhenAll(racers)).Where(r => r.Created).Select(r => r.i)];
    }

    [Fact]
    public async Task PutIfAbsent_ParallelTasksRace_ExactlyOneWinsAndItsBytesStay()
    {
        var winners = await RaceAsync(async i => (await _store.PutIfAbsentAsync("runs/b/n/t/0/a1/claim", Text($"execution-{i}"))).Created);

        var winner = Assert.Single(winners);
        Assert.Equal($"execution-{winner}", await ReadTextAsync("runs/b/n/t/0/a1/claim"));
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, ".orchestration", "tmp")));
    }

    [Fact]
    public async Task CreateIfAbsent_NotDurableParallelRace_ExactlyOneWinsAndItsBytesStay()
    {
        var winners = await RaceAsync(i => _store.CreateIfAbsentAsync("runs/b/n/t/0/a1/stdout.txt", Text($"capture-{i}"), contentType: null, durable: false, CancellationToken.None));

        var winner = Assert.Single(winners);
        Assert.Equal($"capture-{winner}", await ReadTextAsync("runs/b/n/t/0/a1/stdout.txt"));
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, ".orchestration", "tmp")));
    }

    [Fact]
    public async Task CreateIfAbsent_NotDurableLargeObject_ReadersSeeNothingOrAllOfIt()
    {
        var bytes = new byte[8 << 20];
        new Random(7).NextBytes(bytes);
        var path = _store.PathOf("runs/b/n/t/0/a1/output.tar.gz");
        var seen = new System.Collections.Concurrent.ConcurrentQueue<long>();
        using var done = new CancellationTokenSource();
        var reader = Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                try
                {
                    seen.Enqueue(File.ReadAllBytes(path) is var read && read.AsSpan().SequenceEqual(bytes) ? bytes.Length : read.Length);
                }
                catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
                {
                    seen.Enqueue(0);
                }
            }
        });

        await Eventually.HoldsAsync(() => !seen.IsEmpty, "the reader is reading");
        var created = await _store.CreateIfAbsentAsync("runs/b/n/t/0/a1/output.tar.gz", new MemoryStream(bytes), contentType: null, durable: false, CancellationToken.None);
        await Eventually.HoldsAsync(() => seen.Contains(bytes.Length), "the reader saw the object");
        await done.CancelAsync();
        await reader;

        Assert.True(created);
        Assert.All(seen, length => Assert.True(length is 0 || length == bytes.Length, $"a reader saw {length} of {bytes.Length} bytes"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(256 * 1024)]
    [InlineData((256 * 1024) + 1)]
    [InlineData(3 << 20)]
    public async Task Get_ObjectsEitherSideOfTheWholeReadSize_ReadBackByteForByteWithTheirGenerationAndLength(int size)
    {
        // Small objects are read whole at open, larger ones streamed: the same bytes, generation and length either way,
        // from an in-memory write and from a streamed one.
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        var fromMemory = await _store.PutAsync("runs/b/n/t/0/a1/memory.bin", new MemoryStream(bytes));
        await using var source = new BufferedStream(new MemoryStream(bytes));
        var fromStream = await _store.PutAsync("runs/b/n/t/0/a1/stream.bin", source);

        foreach (var written in new[] { fromMemory, fromStream })
        {
            await using var content = await _store.GetAsync(written.Name) ?? throw new InvalidOperationException($"{written.Name} missing");
            var read = await content.ReadAllBytesAsync();

            Assert.Equal(bytes, read);
            Assert.Equal(size, content.Length);
            Assert.Equal(written.Generation, content.Generation);
            Assert.Equal(size, written.Size);
        }

        Assert.Null(await _store.GetAsync(fromMemory.Name, fromMemory.Generation + 1));
    }

    [Fact]
    public async Task CreateIfAbsent_NotDurableTempFolderRemovedBetweenWrites_WritesAndLeavesNoTempFile()
    {
        Assert.True(await _store.CreateIfAbsentAsync("runs/a/stdout.txt", Text("one"), contentType: null, durable: false, CancellationToken.None));
        Directory.Delete(Path.Combine(_root, ".orchestration"), recursive: true);

        var second = await _store.CreateIfAbsentAsync("runs/b/stdout.txt", Text("two"), contentType: null, durable: false, CancellationToken.None);
        var again = await _store.CreateIfAbsentAsync("runs/b/stdout.txt", Text("other"), contentType: null, durable: false, CancellationToken.None);

        Assert.True(second);
        Assert.False(again);
        Assert.Equal("two", await ReadTextAsync("runs/b/stdout.txt"));
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, ".orchestration", "tmp")));
    }

    [Fact]
    public async Task Put_RepeatedQuickly_GenerationAlwaysGrowsAndOldOneIsGone()
    {
        var generations = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            generations.Add((await _store.PutAsync("spec.json", Text($"v{i}"), "application/json")).Generation);
        }

        Assert.Equal(generations.Order(), generations);
        Assert.Equal(generations.Count, generations.Distinct().Count());
        Assert.Null(await _store.GetAsync("spec.json", generations[0]));
        await using var live = await _store.GetAsync("spec.json", generations[^1]);
        Assert.NotNull(live);
        Assert.Equal("application/json", (await _store.GetMetadataAsync("spec.json"))?.ContentType);
        Assert.Equal("v19", await ReadTextAsync("spec.json"));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    [InlineData("/etc/passwd")]
    [InlineData("a//b")]
    [InlineData("a/./b")]
    [InlineData("a\\..\\b")]
    [InlineData(".orchestration/tmp/x")]
    [InlineData("trailing/")]
    [InlineData("line\nbreak")]
    public async Task UnsafeNames_AreRefused_AndNothingIsWritten(string name)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _store.PutAsync(name, Text("x")));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.GetAsync(name));

        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_root)!, "escape")));
        Assert.Empty((await _store.ListAsync(string.Empty)).Items);
    }

    [Fact]
    public async Task List_PagedByPrefix_ReturnsEveryNameOnceInOrdinalOrder()
    {
        var names = Enumerable.Range(0, 17).Select(i => $"runs/b1/t{i % 3}/{i:D2}").Append("runs/b1/.hidden").ToList();
        foreach (var name in names)
        {
            await _store.PutAsync(name, Text(name));
        }

        await _store.PutAsync("runs/b10/other", Text("x"));

        var listed = new List<string>();
        string? token = null;
        do
        {
            var page = await _store.ListAsync("runs/b1/", token, pageSize: 4);
            Assert.True(page.Items.Count <= 4);
            listed.AddRange(page.Items.Select(i => i.Name));
            token = page.NextPageToken;
        }
        while (token is not null);

        Assert.Equal(names.Order(StringComparer.Ordinal), listed);
    }

    [Fact]
    public async Task DeleteByPrefix_RemovesObjectsAndEmptyFolders_KeepsOthers()
    {
        await _store.PutAsync("runs/b1/n/t/0/a1/result.json", Text("{}"), "application/json");
        await _store.PutAsync("runs/b1/n/t/0/a1/stdout.txt", Text("out"));
        await _store.PutAsync("runs/b2/n/t/0/a1/result.json", Text("{}"));

        var deleted = await _store.DeleteByPrefixAsync("runs/b1/");

        Assert.Equal(2, deleted);
        Assert.False(Directory.Exists(Path.Combine(_root, "runs", "b1")));
        Assert.Equal(["runs/b2/n/t/0/a1/result.json"], (await _store.ListAsync("runs/")).Items.Select(i => i.Name));
        Assert.False(await _store.DeleteAsync("runs/b1/n/t/0/a1/result.json"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Delete_ThenCreatedAgainWithoutAContentType_MetadataIsTheDefaultsNotTheDeletedObjects(bool attributes)
    {
        _store.UsesAttributes = attributes;
        const string name = "runs/b/n/t/0/a1/result.json";
        await _store.PutIfAbsentAsync(name, Text("{}"), "application/json");
        await _store.SetCustomTimeAsync(name, new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal(attributes ? 0 : 1, SidecarFiles().Length);

        Assert.True(await _store.DeleteAsync(name));
        Assert.Empty(SidecarFiles());
        Assert.True(await _store.CreateIfAbsentAsync(name, Text("[]"), contentType: null, durable: false, CancellationToken.None));

        var again = await _store.GetMetadataAsync(name);
        Assert.Equal("application/octet-stream", again?.ContentType);
        Assert.Null(again?.CustomTime);
        Assert.Empty(SidecarFiles());
        Assert.Null(AttributeOf(name));
    }

    [Fact]
    public async Task ContentTypeAndCustomTime_InTheObjectsOwnAttribute_NoSecondFile()
    {
        const string name = "runs/b/n/t/0/a1/execution";
        var customTime = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

        Assert.True((await _store.PutIfAbsentAsync(name, Text("exec-1"), "text/plain")).Created);
        var created = await _store.GetMetadataAsync(name);
        await _store.SetCustomTimeAsync(name, customTime);
        var timed = await _store.GetMetadataAsync(name);

        Assert.Equal("text/plain", created?.ContentType);
        Assert.Equal("text/plain", timed?.ContentType);
        Assert.Equal(customTime, timed?.CustomTime);
        Assert.Empty(SidecarFiles());
        Assert.Contains("\"ContentType\":\"text/plain\"", AttributeOf(name), StringComparison.Ordinal);
        // The temp file the object was written to carried the attribute: nothing is left in the temp folder.
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, ".orchestration", "tmp")));
    }

    [Fact]
    public async Task SidecarOfAnEarlierVersion_IsRead_AndASetCustomTimeMovesItIntoTheAttribute()
    {
        // What an earlier version left: the object, and its metadata in a sidecar named by the name's SHA-256.
        _store.UsesAttributes = false;
        await _store.PutAsync("inputs/x.tar.gz", Text("b"), "application/gzip");
        Assert.Single(SidecarFiles());
        Assert.Null(AttributeOf("inputs/x.tar.gz"));

        _store.UsesAttributes = true;
        var read = await _store.GetMetadataAsync("inputs/x.tar.gz");
        var later = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
        var set = await _store.SetCustomTimeAsync("inputs/x.tar.gz", later);

        Assert.Equal("application/gzip", read?.ContentType);
        Assert.Equal("application/gzip", set?.ContentType);
        Assert.Equal(later, set?.CustomTime);
        Assert.Empty(SidecarFiles());
        Assert.NotNull(AttributeOf("inputs/x.tar.gz"));
    }

    [Fact]
    public async Task CustomTime_SetAndNeverMovedBack_AndMissingObjectIsNull()
    {
        await _store.PutAsync("inputs/x.tar.gz", Text("b"), "application/gzip");
        var later = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

        var set = await _store.SetCustomTimeAsync("inputs/x.tar.gz", later);
        var earlier = await _store.SetCustomTimeAsync("inputs/x.tar.gz", later.AddDays(-3));

        Assert.Equal(later, set?.CustomTime);
        Assert.Equal(later, earlier?.CustomTime);
        Assert.Equal("application/gzip", earlier?.ContentType);
        Assert.Null(await _store.SetCustomTimeAsync("inputs/missing", later));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Metadata_SameBytesAsTheReflectionSerializer(bool attributes)
    {
        _store.UsesAttributes = attributes;
        await _store.PutAsync("inputs/x.tar.gz", Text("b"), "application/gzip");
        await _store.SetCustomTimeAsync("inputs/x.tar.gz", new DateTimeOffset(2026, 11, 20, 10, 0, 0, 5, TimeSpan.Zero));

        var written = attributes ? AttributeOf("inputs/x.tar.gz")! : File.ReadAllText(Assert.Single(SidecarFiles()));

        // What the store wrote before generated metadata: the serializer's defaults (PascalCase names), by reflection.
        var sidecar = JsonSerializer.Deserialize<LocalFolderObjectStore.Sidecar>(written);
        Assert.Equal(JsonSerializer.Serialize(sidecar), written);
        Assert.StartsWith("""{"ContentType":"application/gzip","CustomTime":"2026-11-20T10:00:00.005+00:00","Updated":""", written, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_AreReadableAtTheirNaturalPath_ForTheRunnerShim()
    {
        await _store.PutAsync("runs/b/n/t/0/a1/response.txt", Text("hello"));

        Assert.Equal("hello", await File.ReadAllTextAsync(Path.Combine(_root, "runs", "b", "n", "t", "0", "a1", "response.txt")));
    }
}
