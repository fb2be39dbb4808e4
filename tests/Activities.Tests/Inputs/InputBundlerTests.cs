using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Orchestration.Activities.Inputs;

namespace Orchestration.Activities.Tests.Inputs;

public sealed class InputBundlerTests : IDisposable
{
    private readonly List<string> _cleanup = [];
    private readonly InputBundler _bundler = new(new BundleOptions());

    public void Dispose()
    {
        foreach (var path in _cleanup)
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
            else
            {
                File.Delete(path);
            }
        }
    }

    private string Repo(string content = "int main() {}")
    {
        var root = Directory.CreateTempSubdirectory("bundle-src-").FullName;
        _cleanup.Add(root);
        Directory.CreateDirectory(Path.Combine(root, "src", "deep"));
        Directory.CreateDirectory(Path.Combine(root, ".git"));
        Directory.CreateDirectory(Path.Combine(root, "node_modules", "x"));
        File.WriteAllText(Path.Combine(root, "src", "main.c"), content);
        File.WriteAllText(Path.Combine(root, "src", "deep", "b.txt"), "b");
        File.WriteAllText(Path.Combine(root, "run.sh"), "#!/bin/sh\necho hi\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(root, "run.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        File.WriteAllText(Path.Combine(root, ".git", "HEAD"), "ref: refs/heads/main");
        File.WriteAllText(Path.Combine(root, "node_modules", "x", "index.js"), "x");
        return root;
    }

    private async Task<BuiltBundle> BuildAsync(params BundleEntry[] entries)
    {
        var bundle = await _bundler.BuildAsync(entries);
        _cleanup.Add(bundle.GzipPath);
        return bundle;
    }

    private static List<(string Name, TarEntryType Type, UnixFileMode Mode, string? Text)> Read(string gzipPath)
    {
        using var file = File.OpenRead(gzipPath);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        var entries = new List<(string, TarEntryType, UnixFileMode, string?)>();
        while (reader.GetNextEntry() is { } entry)
        {
            string? text = null;
            if (entry.DataStream is { } data)
            {
                using var sr = new StreamReader(data, Encoding.UTF8);
                text = sr.ReadToEnd();
            }

            Assert.Equal(DateTimeOffset.UnixEpoch, entry.ModificationTime);
            Assert.Equal(0, entry.Uid);
            entries.Add((entry.Name, entry.EntryType, entry.Mode, text));
        }

        return entries;
    }

    [Fact]
    public async Task Build_SameFilesInAnotherFolder_SameHash()
    {
        var first = await BuildAsync(new BundleEntry("repo", LocalPath: Repo()), new BundleEntry("config.json", "{\"strict\": true}"u8.ToArray()));
        await Task.Delay(1100); // file times differ between the two copies; the hash must not
        var second = await BuildAsync(new BundleEntry("config.json", "{\"strict\": true}"u8.ToArray()), new BundleEntry("repo", LocalPath: Repo()));

        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Matches("^[0-9a-f]{64}$", first.Sha256);
    }

    [Fact]
    public async Task Build_ChangedContent_DifferentHash()
    {
        var first = await BuildAsync(new BundleEntry("repo", LocalPath: Repo("a")));
        var second = await BuildAsync(new BundleEntry("repo", LocalPath: Repo("b")));

        Assert.NotEqual(first.Sha256, second.Sha256);
    }

    [Fact]
    public async Task Build_Folder_SortedEntriesExcludesAndExecBit()
    {
        var bundle = await BuildAsync(new BundleEntry("repo", LocalPath: Repo()), new BundleEntry("cfg/a.json", "{}"u8.ToArray()));

        var entries = Read(bundle.GzipPath);

        Assert.Equal(
            ["cfg/", "cfg/a.json", "repo/", "repo/run.sh", "repo/src/", "repo/src/deep/", "repo/src/deep/b.txt", "repo/src/main.c"],
            entries.Select(e => e.Name));
        Assert.True((entries.Single(e => e.Name == "repo/run.sh").Mode & UnixFileMode.UserExecute) != 0);
        Assert.True((entries.Single(e => e.Name == "repo/src/main.c").Mode & UnixFileMode.UserExecute) == 0);
        Assert.Equal("int main() {}", entries.Single(e => e.Name == "repo/src/main.c").Text);
    }

    [Fact]
    public async Task Build_FolderWithLink_Refused()
    {
        var root = Repo();
        File.CreateSymbolicLink(Path.Combine(root, "src", "passwd"), "/etc/passwd");

        var error = await Assert.ThrowsAsync<BundleException>(() => _bundler.BuildAsync([new BundleEntry("repo", LocalPath: root)]));

        Assert.Contains("is a link", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_MissingPath_Refused()
    {
        var error = await Assert.ThrowsAsync<BundleException>(() => _bundler.BuildAsync([new BundleEntry("repo", LocalPath: "/nonexistent/x")]));

        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_BuiltBundle_AcceptedWithItsHash()
    {
        var bundle = await BuildAsync(new BundleEntry("repo", LocalPath: Repo()));

        var size = await BundleVerifier.VerifyAsync(bundle.GzipPath, bundle.Sha256, long.MaxValue);

        Assert.Equal(bundle.TarBytes, size);
    }

    [Fact]
    public async Task Verify_WrongName_Refused()
    {
        var bundle = await BuildAsync(new BundleEntry("a", "x"u8.ToArray()));

        var error = await Assert.ThrowsAsync<BundleException>(() => BundleVerifier.VerifyAsync(bundle.GzipPath, new string('0', 64), long.MaxValue));

        Assert.Contains("not 0000", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TarEntryType.SymbolicLink, "link", "is a SymbolicLink")]
    [InlineData(TarEntryType.HardLink, "hard", "is a HardLink")]
    [InlineData(TarEntryType.RegularFile, "../escape", "Must not contain empty, '.' or '..' segments")]
    [InlineData(TarEntryType.RegularFile, "/etc/cron.d/x", "relative path")]
    public async Task Verify_HostileTar_Refused(TarEntryType type, string name, string expected)
    {
        var path = Path.GetTempFileName();
        _cleanup.Add(path);
        string sha;
        using (var tar = new MemoryStream())
        {
            using (var writer = new TarWriter(tar, TarEntryFormat.Gnu, leaveOpen: true))
            {
                var entry = new GnuTarEntry(type, name);
                if (type is TarEntryType.SymbolicLink or TarEntryType.HardLink)
                {
                    entry.LinkName = "/etc/passwd";
                }

                writer.WriteEntry(entry);
            }

            sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(tar.ToArray()));
            await using var file = File.Create(path);
            await using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            await gzip.WriteAsync(tar.ToArray());
        }

        var error = await Assert.ThrowsAsync<BundleException>(() => BundleVerifier.VerifyAsync(path, sha, long.MaxValue));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_NotGzip_Refused()
    {
        var path = Path.GetTempFileName();
        _cleanup.Add(path);
        await File.WriteAllTextAsync(path, "plain text");

        await Assert.ThrowsAsync<BundleException>(() => BundleVerifier.VerifyAsync(path, new string('0', 64), long.MaxValue));
    }
}
