using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestration.Adapters.LocalRunner;
using Orchestration.Adapters.LocalRunner.Native;

namespace Orchestration.Activities.Tests.LocalRunner.Native;

/// <summary>An object store folder, a spec.json in it and one execution's environment and state folder, for driving <see cref="NativeExecutor"/>.</summary>
internal sealed class NativeSandbox : IDisposable
{
    public const string Bucket = "bkt";
    public const string Prefix = "runs/b1/n1/t1/0/a1/";

    public NativeSandbox()
    {
        Directory.CreateDirectory(ObjectsRoot);
        Directory.CreateDirectory(Workspace);
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "orch-native-" + Guid.NewGuid().ToString("N"));

    public string ObjectsRoot => Path.Combine(Root, "gcs");

    public string StateFolder => Path.Combine(Root, "state");

    /// <summary>Where a request made with <c>scratch: true</c> keeps its working files (a memory folder in the hosts).</summary>
    public string ScratchFolder => Path.Combine(Root, "scratch");

    public string Workspace => Path.Combine(Root, "workspace");

    /// <summary>A file outside the workspace that the test commands append to: their observable effect.</summary>
    public string EffectFile => Path.Combine(Root, "effect.txt");

    public int EffectCount => File.Exists(EffectFile) ? File.ReadAllLines(EffectFile).Length : 0;

    /// <summary>Writes an object of the local store.</summary>
    public void PutObject(string name, string content)
    {
        var path = Path.Combine(ObjectsRoot, Bucket, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    public string? ReadObject(string name)
    {
        var path = Path.Combine(ObjectsRoot, Bucket, name);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    public byte[]? ReadObjectBytes(string name)
    {
        var path = Path.Combine(ObjectsRoot, Bucket, name);
        return File.Exists(path) ? File.ReadAllBytes(path) : null;
    }

    /// <summary>Writes spec.json of a command task.</summary>
    public void CommandSpec(string command, int timeoutSeconds = 60, object? extra = null)
    {
        var spec = new Dictionary<string, object?>
        {
            ["kind"] = "command",
            ["command"] = command,
            ["timeoutSeconds"] = timeoutSeconds,
            ["runnerVersion"] = "1",
            ["limits"] = new { setupSeconds = 600 },
        };
        if (extra is not null)
        {
            foreach (var property in JsonSerializer.SerializeToElement(extra).EnumerateObject())
            {
                spec[property.Name] = property.Value;
            }
        }

        PutObject("runs/b1/n1/t1/spec.json", JsonSerializer.Serialize(spec));
    }

    public Dictionary<string, string> Environment(string execution = "exec-1") => new(StringComparer.Ordinal)
    {
        ["RUN_SPEC_URI"] = $"gs://{Bucket}/runs/b1/n1/t1/spec.json",
        ["RUN_PREFIX"] = $"gs://{Bucket}/{Prefix}",
        ["RUN_ATTEMPT"] = "1",
        ["CLOUD_RUN_EXECUTION"] = execution,
        [LocalJobRunner.WorkspaceVariable] = Workspace,
        ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
        ["HOME"] = Root,
        ["EFFECT"] = EffectFile,
    };

    public NativeExecutionRequest Request(Dictionary<string, string>? env = null, bool scratch = false) =>
        new(env ?? Environment(), ObjectsRoot, StateFolder, scratch ? ScratchFolder : null);

    /// <summary>The work's wrapper's pid, from the folder the request keeps its working files in.</summary>
    public int WorkPid(NativeExecutionRequest request) =>
        int.Parse(File.ReadAllText(Path.Combine(request.ScratchFolder ?? StateFolder, "work.pid")).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Runs the executor with test settings (fast polling, optional step hook).</summary>
    public Task<int> RunAsync(NativeExecutionRequest request, Action<string>? onStep = null, CancellationToken terminate = default, CancellationToken abandon = default, TimeSpan? launchGrace = null, TimeSpan? pollInterval = null, string? bashPath = null, Action? onLaunching = null)
    {
        var settings = NativeExecutorSettings.Default with
        {
            PollInterval = pollInterval ?? TimeSpan.FromMilliseconds(30),
            OnStep = onStep,
            LaunchGrace = launchGrace ?? TimeSpan.FromSeconds(30),
            BashPath = bashPath ?? NativeExecutorSettings.Default.BashPath,
            OnLaunching = onLaunching,
        };
        return NativeExecutor.RunAsync(request, NullLogger.Instance, settings, terminate, abandon);
    }

    /// <summary>Runs the executor until it reaches <paramref name="step"/>, then abandons it there as a host crash would; returns what the run threw.</summary>
    public async Task<Exception?> AbandonAtAsync(NativeExecutionRequest request, string step)
    {
        using var abandon = new CancellationTokenSource();
        return await Record.ExceptionAsync(() => RunAsync(request, s => { if (s == step) { abandon.Cancel(); } }, abandon: abandon.Token));
    }

    /// <summary>A path to bash of this sandbox's own (a link): executions run with it get a spawner no other test shares.</summary>
    public string PrivateBash()
    {
        var link = Path.Combine(Root, "bash");
        if (!File.Exists(link))
        {
            File.CreateSymbolicLink(link, NativeExecutorSettings.Default.BashPath);
        }

        return link;
    }

    public static string Text(byte[]? bytes) => bytes is null ? string.Empty : Encoding.UTF8.GetString(bytes);

    public void Dispose()
    {
        // Whatever a test left running under the work's wrapper ends with it.
        foreach (var pidFile in new[] { Path.Combine(StateFolder, "work.pid"), Path.Combine(ScratchFolder, "work.pid") })
        {
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Split(' ')[0], out var pid))
            {
                KillTree(pid);
            }
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Litter in the temp folder only.
        }
    }

    /// <summary>SIGKILLs the process <paramref name="root"/> and every process descended from it (the work's wrapper: its phases, timer and command).</summary>
    public static void KillTree(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.TryParse(fields[1], out var parent))
                {
                    parents[pid] = parent;
                }
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
        }

        var tree = new HashSet<int> { root };
        for (var grown = true; grown;)
        {
            grown = false;
            foreach (var (pid, parent) in parents)
            {
                if (tree.Contains(parent) && tree.Add(pid))
                {
                    grown = true;
                }
            }
        }

        foreach (var pid in tree)
        {
            LocalProcess.Signal(pid, LocalProcess.SigKill);
        }
    }
}
