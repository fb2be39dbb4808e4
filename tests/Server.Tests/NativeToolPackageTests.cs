using System.Diagnostics;
using System.Text.Json;

namespace Orchestration.Server.Tests;

/// <summary>The natively compiled tool's packages (README: the pack commands, run before the tests): installed from
/// them alone, the <c>orchestration</c> command runs batches in a folder outside any repository, with the native
/// executor and with the runner script it carries beside the binary.</summary>
public sealed class NativeToolPackageTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly string _temp = Directory.CreateTempSubdirectory("native-tool-").FullName;

    /// <summary>The packages: <c>ORCHESTRATION_NATIVE_PACKAGES</c>, else where the README's pack commands put them.</summary>
    public static string Packages { get; } = Environment.GetEnvironmentVariable("ORCHESTRATION_NATIVE_PACKAGES") is { Length: > 0 } path
        ? path
        : Path.Combine(ServerProcess.RepositoryRoot, "artifacts", "nupkg-native");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_temp, recursive: true);
        }
        catch (IOException)
        {
            // A detached execution may still be writing; the temp folder is left behind.
        }
    }

    [Fact]
    public async Task InstalledFromItsPackagesAlone_RunsABatchOutsideAnyRepository_WithTheNativeExecutorAndWithItsRunnerScript()
    {
        Assert.True(
            Directory.Exists(Packages) && Directory.EnumerateFiles(Packages, "Orchestration.Cli.Native.*.nupkg").Count() == 2,
            $"The native tool's two packages are missing from {Packages}: pack them first (README, 'Run the tests'), or set ORCHESTRATION_NATIVE_PACKAGES.");
        var config = Path.Combine(_temp, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="native-tool" value="{Packages}" />
              </packageSources>
            </configuration>
            """);
        var tools = Path.Combine(_temp, "tools");
        // A packages folder of its own: every pack is version 0.1.0, and a cached earlier one must not stand in for it.
        var nuget = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_temp, "nuget-packages") };

        var install = await RunAsync("dotnet", ["tool", "install", "--tool-path", tools, "--configfile", config, "Orchestration.Cli.Native"], _temp, nuget);

        Assert.True(install.ExitCode == 0, $"exit {install.ExitCode}\n{install.Stdout}\n{install.Stderr}");
        var command = Path.Combine(tools, "orchestration");
        var binary = new FileInfo(command).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? command;
        Assert.Equal("Orchestration.Server", Path.GetFileName(binary));
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(binary)!, "runner", "runner.sh")), $"no runner/ beside {binary}");

        var work = Directory.CreateDirectory(Path.Combine(_temp, "work")).FullName;
        Assert.False(work.StartsWith(ServerProcess.RepositoryRoot, StringComparison.Ordinal), $"{work} is inside the repository");
        await File.WriteAllTextAsync(Path.Combine(work, "batch.json"), """{"tasks": [{"id": "t", "n": 3, "command": "test -d input && test -d output && echo ran"}]}""");

        var native = await RunAsync(command, ["run", "batch.json", "--data", "native-data", "--json"], work, new Dictionary<string, string>());
        var script = await RunAsync(command, ["run", "batch.json", "--data", "script-data", "--json"], work, new Dictionary<string, string> { ["LocalRunner__Executor"] = "Script" });

        foreach (var (name, result) in new[] { ("native", native), ("script", script) })
        {
            Assert.True(result.ExitCode == 0, $"{name}: exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
            using var aggregate = JsonDocument.Parse(result.Stdout);
            Assert.Equal(3, aggregate.RootElement.GetProperty("total").GetProperty("passed").GetInt32());
        }

        Assert.Equal(["Native"], Executors(Path.Combine(work, "native-data")));
        Assert.Equal(["Script"], Executors(Path.Combine(work, "script-data")));
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

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string program, string[] arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
