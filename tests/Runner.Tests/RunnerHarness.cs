using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Orchestration.Domain;
using Orchestration.Domain.Documents;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Specs;
using Orchestration.Tests.Waiting;

namespace Orchestration.Runner.Tests;

/// <summary>One runner execution in its own temp folders: a local bucket (behind the gcloud stand-in for the
/// script), a workspace, a HOME and a TMPDIR; runner/runner.sh started with bash as Cloud Run would, or the
/// native executor called with the same environment.</summary>
public sealed partial class RunnerHarness : IDisposable
{
    public const string Bucket = "bkt";
    public const string Execution = "jobs/runner-abc/executions/exec-1";
    /// <summary>The size above which the gcloud stand-in uploads a file as a parallel composite upload in these tests.</summary>
    public const int CompositeThresholdBytes = 1024 * 1024;

    private const string SpecObjectName = "runs/b1/n1/t1/spec.json";
    private const string PrefixName = "runs/b1/n1/t1/0/a1/";

    /// <summary>The folder under a bucket where the local object store keeps temp files and sidecars: not objects.</summary>
    private const string StoreFolder = ".orchestration";

    private static readonly Lazy<string> RepositoryRootValue = new(FindRepositoryRoot);

    public static string RepositoryRoot => RepositoryRootValue.Value;

    /// <param name="implementation">Which implementation of the runner contract <see cref="RunAsync"/> runs.</param>
    /// <param name="root">The folder holding everything; a fresh temp folder when null.</param>
    public RunnerHarness(RunnerImplementation implementation = RunnerImplementation.Script, string? root = null)
    {
        Implementation = implementation;
        Root = root ?? NewRoot();
        foreach (var folder in new[] { GcsRoot, Workspace, Home, Temp })
        {
            Directory.CreateDirectory(folder);
        }

        Environment = new Dictionary<string, string?>
        {
            ["PATH"] = string.Join(':', Path.Combine(RepositoryRoot, "runner", "local"), Path.Combine(RepositoryRoot, "runner", "test"), System.Environment.GetEnvironmentVariable("PATH")),
            ["HOME"] = Home,
            ["TMPDIR"] = Temp,
            ["GCS_LOCAL_ROOT"] = GcsRoot,
            ["RUN_SPEC_URI"] = $"gs://{Bucket}/{SpecObjectName}",
            ["RUN_PREFIX"] = $"gs://{Bucket}/{PrefixName}",
            ["RUN_ATTEMPT"] = "1",
            ["CLOUD_RUN_EXECUTION"] = Execution,
            ["RUNNER_WORKSPACE"] = Workspace,
            ["RUNNER_CANCEL_GRACE_SECONDS"] = "1",
            ["RUNNER_KILL_AFTER_SECONDS"] = "1",
            // The runner service accounts' grants (infra/gcp/setup.sh): read inputs/ and runs/, create under runs/, delete nothing.
            ["GCLOUD_STANDIN_WRITE_PREFIXES"] = "runs/",
            ["GCLOUD_STANDIN_READ_PREFIXES"] = "inputs/ runs/",
            ["GCLOUD_STANDIN_DELETE_PREFIXES"] = string.Empty,
            // gcloud goes composite above 150 MiB; the stand-in does above 1 MiB, so an output of a few MiB shows it.
            ["GCLOUD_STANDIN_PCU_THRESHOLD"] = CompositeThresholdBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // The runner must turn composite uploads off itself, whatever the environment says.
            ["CLOUDSDK_STORAGE_PARALLEL_COMPOSITE_UPLOAD_ENABLED"] = null,
            // The test process may run inside an environment holding real credentials: none of them leak in.
            ["ANTHROPIC_API_KEY"] = null,
            ["ANTHROPIC_AUTH_TOKEN"] = null,
            ["CLAUDE_CODE_OAUTH_TOKEN"] = null,
            ["GITHUB_TOKEN"] = null,
            ["GH_TOKEN"] = null,
            ["RUNNER_SECRET_ENV_NAMES"] = null,
            ["RUNNER_CLAUDE_SKIP_PERMISSIONS"] = null,
            ["RUNNER_ALLOW_FILE_GIT"] = null,
        };
    }

    public RunnerImplementation Implementation { get; }

    public string Root { get; }

    public string GcsRoot => Path.Combine(Root, "gcs");

    public string Workspace => Path.Combine(Root, "workspace");

    public string Home => Path.Combine(Root, "home");

    public string Temp => Path.Combine(Root, "tmp");

    /// <summary>Environment changes for the runner process; null removes a variable.</summary>
    public Dictionary<string, string?> Environment { get; }

    /// <summary>A fresh temp folder for one harness.</summary>
    public static string NewRoot() => Path.Combine(Path.GetTempPath(), "runner-tests", Guid.NewGuid().ToString("N"));

    public static RunSpec CommandSpec(string command, int timeoutSeconds = 60, SpecLimits? limits = null) => new()
    {
        RunnerVersion = RunnerContract.Version,
        BatchId = "b1",
        TaskId = "t1",
        TaskOrdinal = 0,
        Kind = TaskKind.Command,
        Command = command,
        TimeoutSeconds = timeoutSeconds,
        Inputs = [],
        Env = new Dictionary<string, string>(),
        FlagFiles = [],
        Limits = limits ?? new SpecLimits(),
    };

    public static RunSpec ClaudeSpec(string prompt, ClaudeSpec? claude = null) => new()
    {
        RunnerVersion = RunnerContract.Version,
        BatchId = "b1",
        TaskId = "t1",
        TaskOrdinal = 0,
        Kind = TaskKind.Claude,
        Prompt = prompt,
        Claude = claude ?? new ClaudeSpec("claude-sonnet-4-5", null, null, null, [], [], null),
        TimeoutSeconds = 60,
        Inputs = [],
        Env = new Dictionary<string, string>(),
        FlagFiles = [],
        Limits = new SpecLimits(),
    };

    /// <summary>Writes spec.json exactly as PrepareBatch does: the Domain record with BatchJson options.</summary>
    public void WriteSpec(RunSpec spec) =>
        PutObject(SpecObjectName, Encoding.UTF8.GetBytes(JsonSerializer.Serialize(spec, BatchJson.Options)));

    public void PutObject(string name, byte[] content)
    {
        var path = Path.Combine(GcsRoot, Bucket, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }

    public string GsUri(string name) => $"gs://{Bucket}/{name}";

    public string AttemptObjectPath(string name) => Path.Combine(GcsRoot, Bucket, PrefixName, name);

    public bool AttemptObjectExists(string name) => File.Exists(AttemptObjectPath(name));

    public string ReadAttemptObject(string name) => File.ReadAllText(AttemptObjectPath(name));

    public IReadOnlyList<string> AttemptObjectNames()
    {
        var folder = Path.Combine(GcsRoot, Bucket, PrefixName);
        return Directory.Exists(folder)
            ? ObjectNamesUnder(folder)
            : [];
    }

    /// <summary>Every object in the bucket, by name (spec, inputs, attempt objects and anything else).</summary>
    public IReadOnlyList<string> BucketObjectNames()
    {
        var folder = Path.Combine(GcsRoot, Bucket);
        return !Directory.Exists(folder) ? [] : ObjectNamesUnder(folder);
    }

    /// <summary>Reads result.json through the Domain parser the orchestrator uses.</summary>
    public RunResult ReadResult()
    {
        Assert.True(AttemptObjectExists(RunnerContract.ResultObject), "result.json was not uploaded");
        var ok = RunResultJson.TryParse(ReadAttemptObject(RunnerContract.ResultObject), out var result, out var error);
        Assert.True(ok, error);
        return result!;
    }

    /// <summary>The entries of output.tar.gz: name -> content of regular files.</summary>
    public Dictionary<string, string> ReadOutputTar()
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        using var file = File.OpenRead(AttemptObjectPath(RunnerContract.OutputObject));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.DataStream is { } data)
            {
                using var text = new StreamReader(data, Encoding.UTF8);
                entries[entry.Name.TrimStart('.', '/')] = text.ReadToEnd();
            }
        }

        return entries;
    }

    /// <summary>The entries of output.tar.gz: name -> length of regular files.</summary>
    public Dictionary<string, long> OutputTarEntryLengths()
    {
        var entries = new Dictionary<string, long>(StringComparer.Ordinal);
        using var file = File.OpenRead(AttemptObjectPath(RunnerContract.OutputObject));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
            {
                entries[entry.Name.TrimStart('.', '/')] = entry.Length;
            }
        }

        return entries;
    }

    /// <summary>Runs the runner to its end (or stops it after <paramref name="limit"/>).</summary>
    /// <param name="limit">How long the test waits at most.</param>
    /// <param name="whileRunning">Called once started, e.g. to send SIGTERM through the handle.</param>
    /// <param name="overrides">Environment changes for this run only.</param>
    public Task<RunnerOutcome> RunAsync(
        TimeSpan? limit = null, Func<RunnerHandle, Task>? whileRunning = null, IReadOnlyDictionary<string, string?>? overrides = null) =>
        Implementation switch
        {
            RunnerImplementation.Script => RunScriptAsync(limit ?? TimeSpan.FromSeconds(60), whileRunning, overrides),
            RunnerImplementation.Native => RunNativeAsync(limit ?? TimeSpan.FromSeconds(60), whileRunning, overrides),
            _ => throw new ArgumentOutOfRangeException(nameof(Implementation), Implementation, "no such runner implementation"),
        };

    /// <summary>The harness environment with <paramref name="overrides"/> applied; null removes a variable.</summary>
    private IEnumerable<KeyValuePair<string, string?>> ChangesWith(IReadOnlyDictionary<string, string?>? overrides) =>
        Environment.Concat(overrides ?? new Dictionary<string, string?>());

    private async Task<RunnerOutcome> RunScriptAsync(
        TimeSpan limit, Func<RunnerHandle, Task>? whileRunning, IReadOnlyDictionary<string, string?>? overrides)
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot, "runner", "runner.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Root,
        };
        foreach (var (key, value) in ChangesWith(overrides))
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (whileRunning is not null)
        {
            await whileRunning(new RunnerHandle(() => SendTermAsync(process.Id), process.Id));
        }

        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the runner did not end within {limit}: {await stderr}");
        }

        watch.Stop();
        return new RunnerOutcome(process.ExitCode, await stdout, await stderr, watch.Elapsed);
    }

    /// <summary>Sends SIGTERM, as Cloud Run does on cancel.</summary>
    private static async Task SendTermAsync(int processId)
    {
        using var kill = Process.Start("kill", ["-TERM", processId.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>Waits until <paramref name="path"/> exists (the work has started).</summary>
    public static Task WaitForFileAsync(string path, TimeSpan limit) =>
        Eventually.HoldsAsync(() => File.Exists(path), $"{path} appears", limit);

    /// <summary>A gzipped tar built entry by entry, so tests can also write links and hostile names.</summary>
    public static byte[] TarGz(params TarEntry[] entries)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Gnu, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                // A fixed time: the same bundle has the same bytes (and tar listing) in every harness.
                entry.ModificationTime = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
                writer.WriteEntry(entry);
            }
        }

        return buffer.ToArray();
    }

    public static TarEntry FileEntry(string name, string content) =>
        new GnuTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) };

    /// <summary>Puts first on the runner's PATH a git whose <c>fetch</c> hangs (as a stalled remote would) after
    /// creating <paramref name="marker"/>; every other git command is the real git's.</summary>
    public void InstallHangingGitFetch(string marker) => InstallGitWithFetch($"touch '{marker}'; exec sleep 60");

    /// <summary>Puts first on the runner's PATH a git whose <c>fetch</c> starts <paramref name="seconds"/> late (a slow
    /// remote), then is the real git's, as is every other git command.</summary>
    public void InstallSlowGitFetch(int seconds) =>
        InstallGitWithFetch(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"sleep {seconds}; exec '{RealGit()}' \"$@\""));

    private static string RealGit() => System.Environment.GetEnvironmentVariable("PATH")!.Split(':')
        .Select(p => Path.Combine(p, "git"))
        .First(File.Exists);

    private void InstallGitWithFetch(string fetch)
    {
        var folder = Path.Combine(Root, "hanging-git");
        Directory.CreateDirectory(folder);
        var realGit = RealGit();
        var script = Path.Combine(folder, "git");
        File.WriteAllText(script, $$"""
            #!/bin/sh
            for argument in "$@"; do
              if [ "$argument" = fetch ]; then {{fetch}}; fi
            done
            exec '{{realGit}}' "$@"

            """);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the runner contract needs a Unix host");
        }

        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Environment["PATH"] = folder + ":" + Environment["PATH"];
    }

    /// <summary>A bare repository under <see cref="Root"/> with two commits on main ("first", then "second" at the tip),
    /// each writing version.txt; allows file:// git URLs for the runner.</summary>
    /// <returns>The bare repository's path and the first commit (the one a test pins).</returns>
    public async Task<(string Bare, string Pinned)> CreateTwoCommitRepositoryAsync()
    {
        var source = Path.Combine(Root, "source");
        var bare = Path.Combine(Root, "repo.git");
        Directory.CreateDirectory(source);
        await GitAsync(source, "init", "-q");
        await File.WriteAllTextAsync(Path.Combine(source, "version.txt"), "first\n");
        await GitAsync(source, "add", ".");
        await GitAsync(source, "commit", "-q", "-m", "first");
        var pinned = await GitAsync(source, "rev-parse", "HEAD");
        await File.WriteAllTextAsync(Path.Combine(source, "version.txt"), "second\n");
        await GitAsync(source, "commit", "-q", "-am", "second");
        await GitAsync(Root, "clone", "-q", "--bare", source, bare);
        Environment["RUNNER_ALLOW_FILE_GIT"] = "1";
        return (bare, pinned);
    }

    public static async Task<string> GitAsync(string workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main", .. arguments])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Fixed dates: the same commits get the same ids in every harness, so two runs can be compared byte for byte.
        info.Environment["GIT_AUTHOR_DATE"] = "2026-01-01T00:00:00Z";
        info.Environment["GIT_COMMITTER_DATE"] = "2026-01-01T00:00:00Z";
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', arguments)} failed: {error}");
        return output.Trim();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A straggling child may still hold a file; the temp folder is cleaned by the OS later.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }

    /// <summary>The objects under <paramref name="folder"/> by name, without the local object store's own folder.</summary>
    private static string[] ObjectNamesUnder(string folder) =>
    [
        .. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f))
            .Where(name => !name.Split('/').Contains(StoreFolder, StringComparer.Ordinal))
            .Order(StringComparer.Ordinal),
    ];

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "runner", "runner.sh")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("runner/runner.sh not found above the test binaries");
    }
}
