using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Orchestration.Server.Tests;

/// <summary>The command line as a .NET tool, and as the natively compiled tool: each installed from its packages alone
/// and run from a folder outside the repository, so the runner it starts is the one in the package.</summary>
public sealed class ToolPackageTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly string _temp = Directory.CreateTempSubdirectory("tool-").FullName;

    /// <summary>The native tool's packages: <c>ORCHESTRATION_NATIVE_PACKAGES</c>, else where the README's pack commands put them.</summary>
    public static string NativePackages { get; } = ServerProcess.Artifact("ORCHESTRATION_NATIVE_PACKAGES", "artifacts", "nupkg-native");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_temp, recursive: true);
        }
        catch (IOException)
        {
            // A runner process may still be writing; the temp folder is left behind.
        }
    }

    [Fact]
    public async Task Pack_InstalledFromTheFolder_OrchestrationCommandHelpsAndRunsABatch()
    {
        // The tests' own build has built src/Server in this configuration; pack its output.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var version = $"0.0.0-test{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        var packages = Path.Combine(_temp, "nupkg");
        var pack = await RunAsync("dotnet", ServerProcess.RepositoryRoot,
            "pack", "src/Server", "-c", configuration, "--no-build", "-o", packages, $"-p:PackageVersion={version}");
        Assert.True(pack.ExitCode == 0, pack.Output);

        var config = await OnlySourceAsync(packages);
        var tools = Path.Combine(_temp, "tools");
        var install = await RunAsync("dotnet", _temp,
            "tool", "install", "--tool-path", tools, "--configfile", config, "Orchestration.Cli", "--version", version);
        Assert.True(install.ExitCode == 0, install.Output);

        var orchestration = Path.Combine(tools, "orchestration");
        var help = await RunAsync(orchestration, _temp, "--help");
        await File.WriteAllTextAsync(Path.Combine(_temp, "one.json"), """{"tasks": [{"id": "one", "n": 1, "command": "echo from-the-tool"}]}""");
        var run = await RunAsync(orchestration, _temp, "run", "one.json", "--data", "data");

        Assert.True(help.ExitCode == 0, help.Output);
        Assert.Contains("run <FILE>", help.Output, StringComparison.Ordinal);
        Assert.True(run.ExitCode == 0, run.Output);
        var row = run.Output.Split('\n').Single(l => l.StartsWith("| one ", StringComparison.Ordinal));
        Assert.Equal(["one", "1", "1", "0"], row.Trim().Trim('|').Split('|').Select(c => c.Trim()).Take(4));
        var stdout = Directory.GetFiles(Path.Combine(_temp, "data", "gcs"), "stdout*", SearchOption.AllDirectories);
        Assert.Contains(stdout, f => File.ReadAllText(f).Contains("from-the-tool", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NativeTool_InstalledFromItsPackagesAlone_RunsABatchWithTheNativeExecutorAndWithItsRunnerScript()
    {
        Assert.True(
            Directory.Exists(NativePackages) && Directory.EnumerateFiles(NativePackages, "Orchestration.Cli.Native.*.nupkg").Count() == 2,
            $"The native tool's two packages are missing from {NativePackages}: pack them first (README, 'Run the tests'), or set ORCHESTRATION_NATIVE_PACKAGES.");
        var config = await OnlySourceAsync(NativePackages);
        var tools = Path.Combine(_temp, "tools");
        // A packages folder of its own: every pack is version 0.1.0, and a cached earlier one must not stand in for it.
        var nuget = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_temp, "nuget-packages") };

        var install = await RunAsync("dotnet", _temp, nuget, "tool", "install", "--tool-path", tools, "--configfile", config, "Orchestration.Cli.Native");

        Assert.True(install.ExitCode == 0, install.Output);
        var orchestration = Path.Combine(tools, "orchestration");
        var binary = new FileInfo(orchestration).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? orchestration;
        Assert.Equal("Orchestration.Server", Path.GetFileName(binary));
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(binary)!, "runner", "runner.sh")), $"no runner/ beside {binary}");
        Assert.False(_temp.StartsWith(ServerProcess.RepositoryRoot, StringComparison.Ordinal), $"{_temp} is inside the repository");
        await File.WriteAllTextAsync(Path.Combine(_temp, "batch.json"), """{"tasks": [{"id": "t", "n": 3, "command": "test -d input && test -d output && echo ran"}]}""");

        var native = await RunAsync(orchestration, _temp, new Dictionary<string, string>(), "run", "batch.json", "--data", "native-data", "--json");
        var script = await RunAsync(orchestration, _temp, new Dictionary<string, string> { ["LocalRunner__Executor"] = "Script" }, "run", "batch.json", "--data", "script-data", "--json");

        foreach (var result in new[] { native, script })
        {
            Assert.True(result.ExitCode == 0, result.Output);
            using var aggregate = JsonDocument.Parse(result.Stdout);
            Assert.Equal(3, aggregate.RootElement.GetProperty("total").GetProperty("passed").GetInt32());
        }

        Assert.Equal(["Native"], Executors(Path.Combine(_temp, "native-data")));
        Assert.Equal(["Script"], Executors(Path.Combine(_temp, "script-data")));
    }

    /// <summary>The executors the data folder's executions were started with.</summary>
    private static string[] Executors(string data) =>
        [.. Directory.EnumerateFiles(Path.Combine(data, "executions", "executions"), "execution.json", SearchOption.AllDirectories)
            .Select(file =>
            {
                using var record = JsonDocument.Parse(File.ReadAllText(file));
                return record.RootElement.GetProperty("executor").GetString()!;
            })
            .Distinct()];

    /// <summary>A NuGet configuration whose only source is <paramref name="packages"/>: a package cannot come from anywhere else.</summary>
    private async Task<string> OnlySourceAsync(string packages)
    {
        var config = Path.Combine(_temp, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="local" value="{packages}" /></packageSources></configuration>
            """);
        return config;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string workingDirectory, params string[] args)
    {
        var (code, output, _) = await RunAsync(file, workingDirectory, new Dictionary<string, string>(), args);
        return (code, output);
    }

    /// <summary>Runs a program to its end: its exit code, its standard output and error interleaved as they came (with
    /// the command line), and its standard output alone.</summary>
    private static async Task<(int ExitCode, string Output, string Stdout)> RunAsync(string file, string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = new Process { StartInfo = info };
        var output = new StringBuilder();
        var stdout = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            Append(output, e.Data);
            Append(stdout, e.Data);
        };
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not end within {Timeout}:\n{output}");
        }

        process.WaitForExit();
        lock (output)
        {
            lock (stdout)
            {
                return (process.ExitCode, $"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{output}", stdout.ToString());
            }
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
