using System.Diagnostics;
using System.Text;

namespace Orchestration.Server.Tests;

/// <summary>The command line as a .NET tool: packed from src/Server, installed from that folder alone, and run
/// from a folder outside the repository, so the runner it starts is the one in the package.</summary>
public sealed class ToolPackageTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly string _temp = Directory.CreateTempSubdirectory("tool-").FullName;

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

        // Only the local folder: the package cannot come from anywhere else.
        var config = Path.Combine(_temp, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="local" value="{packages}" /></packageSources></configuration>
            """);
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

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string workingDirectory, params string[] args)
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

        using var process = new Process { StartInfo = info };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
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
            return (process.ExitCode, $"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{output}");
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
