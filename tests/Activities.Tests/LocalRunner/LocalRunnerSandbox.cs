using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestration.Activities.CloudRun;
using Orchestration.Adapters.LocalRunner;

namespace Orchestration.Activities.Tests.LocalRunner;

/// <summary>A temp folder with a state folder, test scripts and the runners created over it; kills leftovers on dispose.</summary>
internal sealed class LocalRunnerSandbox : IDisposable
{
    private readonly List<LocalJobRunner> _runners = [];

    public LocalRunnerSandbox()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(StateFolder);
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "orch-local-runner-" + Guid.NewGuid().ToString("N"));

    public string StateFolder => Path.Combine(Root, "state");

    /// <summary>Writes a bash script under the sandbox and returns its path.</summary>
    public string Script(string name, string body)
    {
        var path = Path.Combine(Root, name);
        File.WriteAllText(path, "#!/bin/bash\n" + body.ReplaceLineEndings("\n") + "\n");
        return path;
    }

    /// <summary>Marks a file executable by its owner (the local runner is Linux-only).</summary>
    public static void MakeExecutable(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public string PathOf(string name) => Path.Combine(Root, name);

    /// <summary>A runner over this sandbox's state folder running <c>bash {script}</c>.</summary>
    public LocalJobRunner Runner(string script, Action<LocalRunnerOptions>? configure = null)
    {
        var options = new LocalRunnerOptions
        {
            StateFolder = StateFolder,
            Executor = LocalExecutor.Script,
            RunnerCommand = ["bash", script],
            PollInterval = TimeSpan.FromMilliseconds(50),
            KillGrace = TimeSpan.FromSeconds(1),
            MaxParallelExecutions = 8,
        };
        configure?.Invoke(options);
        var runner = new LocalJobRunner(Options.Create(options), TimeProvider.System, NullLogger<LocalJobRunner>.Instance);
        _runners.Add(runner);
        return runner;
    }

    /// <summary>The local object store root of native runners.</summary>
    public string ObjectsRoot => Path.Combine(Root, "gcs");

    /// <summary>A runner over this sandbox's state folder with the native executor.</summary>
    public LocalJobRunner NativeRunner(Action<LocalRunnerOptions>? configure = null) =>
        Runner(string.Empty, o =>
        {
            o.Executor = LocalExecutor.Native;
            o.RunnerCommand = [];
            o.ObjectsRoot = ObjectsRoot;
            o.InheritedVariables = ["PATH", "HOME"];
            configure?.Invoke(o);
        });

    /// <summary>
    /// Writes spec.json of a command task into the object store and returns the execution overrides naming it
    /// and a fresh attempt prefix, as StartRun would (what a native execution needs).
    /// </summary>
    public Dictionary<string, string> NativeTask(string command, int timeoutSeconds = 60)
    {
        var task = Guid.NewGuid().ToString("N")[..8];
        var specName = $"runs/b/n/{task}/spec.json";
        var path = Path.Combine(ObjectsRoot, "bkt", specName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(new { kind = "command", command, timeoutSeconds, runnerVersion = "1" }));
        return new Dictionary<string, string>
        {
            ["RUN_SPEC_URI"] = $"gs://bkt/{specName}",
            ["RUN_PREFIX"] = $"gs://bkt/runs/b/n/{task}/0/a1/",
            ["RUN_ATTEMPT"] = "1",
        };
    }

    /// <summary>An object of a native execution's attempt prefix, or null.</summary>
    public string? AttemptObject(IReadOnlyDictionary<string, string> task, string name)
    {
        var path = Path.Combine(ObjectsRoot, "bkt", task["RUN_PREFIX"]["gs://bkt/".Length..], name);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    public static CloudRunJobSpec Job(string id, IReadOnlyDictionary<string, string>? env = null, IReadOnlyDictionary<string, CloudRunSecretRef>? secrets = null) =>
        new(id, "ignored-image", "1", "512Mi", "sa@local", env ?? new Dictionary<string, string>(), secrets ?? new Dictionary<string, CloudRunSecretRef>(), TimeSpan.FromMinutes(5), new Dictionary<string, string> { ["deployment"] = "test" });

    public static Dictionary<string, string> NoEnv() => [];

    /// <summary>Polls until the execution reaches a state matching <paramref name="until"/>.</summary>
    public static async Task<CloudRunExecution> WaitAsync(ICloudRunJobsClient client, string name, Func<CloudRunExecution, bool> until, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var execution = await client.GetExecutionAsync(name) ?? throw new InvalidOperationException($"{name} vanished");
            if (until(execution))
            {
                return execution;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{name} still {execution.State} after {seconds} s");
            }

            await Task.Delay(50);
        }
    }

    public static Task<CloudRunExecution> WaitTerminalAsync(ICloudRunJobsClient client, string name, int seconds = 20) =>
        WaitAsync(client, name, e => e.IsTerminal, seconds);

    /// <summary>True while a process with this pid exists and is not a zombie.</summary>
    public static bool ProcessExists(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        foreach (var runner in _runners)
        {
            runner.Dispose();
        }

        // Tests leave no process behind, even when they fail half-way: kill every live execution group and
        // wait (briefly) for launched ones to end, so none writes into the folder after it is deleted.
        var executions = Path.Combine(StateFolder, "executions");
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (Directory.Exists(executions) && DateTime.UtcNow < deadline && KillLiveExecutions(executions))
        {
            Thread.Sleep(50);
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process killed just now may still be closing its files; the temp folder is only litter.
        }
    }

    /// <summary>SIGKILLs live execution groups; true while some launched execution has not ended yet.</summary>
    private static bool KillLiveExecutions(string executions)
    {
        var unsettled = false;
        foreach (var folder in Directory.GetDirectories(executions))
        {
            if (!File.Exists(Path.Combine(folder, "launched")) || File.Exists(Path.Combine(folder, "exit")) || File.Exists(Path.Combine(folder, "outcome.json"))
                || (Directory.Exists(Path.Combine(folder, "native")) && File.Exists(Path.Combine(folder, "native", "work.exit"))))
            {
                continue;
            }

            var pidFile = File.Exists(Path.Combine(folder, "native", "work.pid")) ? Path.Combine(folder, "native", "work.pid") : Path.Combine(folder, "pid");
            var parts = File.Exists(pidFile) ? File.ReadAllText(pidFile).Split(' ', StringSplitOptions.TrimEntries) : [];
            if (parts.Length != 2)
            {
                unsettled = true;
            }
            else if (int.TryParse(parts[0], out var pid) && long.TryParse(parts[1], out var ticks) && LocalProcess.IsAlive(pid, ticks))
            {
                LocalProcess.SignalGroup(pid, LocalProcess.SigKill);
                unsettled = true;
            }
        }

        return unsettled;
    }
}
