using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace Orchestration.Api.Tests.Deployment;

/// <summary>infra/azure/main.bicep compiles and passes the Bicep linter with no diagnostic at all (warnings count
/// as errors), with the Bicep CLI from the NuGet package <c>Azure.Bicep.CommandLine.linux-x64</c>.</summary>
public sealed class BicepTests
{
    private static readonly string Root = RepositoryRoot.Path;
    private static readonly string Template = Path.Combine(Root, "infra", "azure", "main.bicep");

    [Fact]
    public async Task Lint_MainBicep_ReportsNothing()
    {
        var (exit, output) = await BicepAsync("lint", Template);

        Assert.True(exit == 0 && output.Length == 0, $"bicep lint exited {exit}:\n{output}");
    }

    [Fact]
    public async Task Build_MainBicep_GivesArmTemplateWithTheFunctionApp()
    {
        var (exit, output) = await BicepAsync("build", Template, "--stdout");

        Assert.Equal(0, exit);
        using var arm = JsonDocument.Parse(output);
        var types = arm.RootElement.GetProperty("resources").EnumerateArray().Select(r => r.GetProperty("type").GetString()).ToList();
        Assert.Contains("Microsoft.Web/sites", types);
        Assert.Contains("Microsoft.Storage/storageAccounts", types);
    }

    [Fact]
    public async Task Lint_TemplateWithUnusedParameter_ReportsIt()
    {
        // The check above can fail: the same CLI reports a linter warning on a template that has one.
        var folder = Directory.CreateTempSubdirectory("bicep-").FullName;
        try
        {
            var bad = Path.Combine(folder, "bad.bicep");
            await File.WriteAllTextAsync(bad, "param unused string\n");

            var (_, output) = await BicepAsync("lint", bad);

            Assert.Contains("no-unused-params", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(int Exit, string Output)> BicepAsync(params string[] arguments)
    {
        var bicep = typeof(BicepTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!;
        if (!OperatingSystem.IsWindows() && !File.GetUnixFileMode(bicep).HasFlag(UnixFileMode.UserExecute))
        {
            // NuGet does not keep the executable bit of a package's files.
            File.SetUnixFileMode(bicep, File.GetUnixFileMode(bicep) | UnixFileMode.UserExecute);
        }

        var start = new ProcessStartInfo(bicep) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The CLI would otherwise look up its newest version and the module registries on the network.
        start.Environment["BICEP_TRACING_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }
}
