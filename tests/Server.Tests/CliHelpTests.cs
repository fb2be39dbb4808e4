namespace Orchestration.Server.Tests;

/// <summary>The built executable's help texts.</summary>
public sealed class CliHelpTests
{
    [Fact]
    public async Task RunHelp_ListsEveryExitCode()
    {
        var (code, stdout, _) = await ServerProcess.RunAsync("run", "--help");

        Assert.Equal(0, code);
        var codes = stdout[stdout.IndexOf("Exit codes:", StringComparison.Ordinal)..].Split('\n').Skip(1)
            .Select(l => l.Trim()).Where(l => l.Length > 0).Select(l => l[..l.IndexOf(' ', StringComparison.Ordinal)]).ToList();
        Assert.Equal(["0", "1", "2", "130"], codes);
    }

    [Fact]
    public async Task ListHelp_NamesEveryBatchStatus()
    {
        var (code, stdout, _) = await ServerProcess.RunAsync("list", "--help");

        Assert.Equal(0, code);
        var flat = string.Join(' ', stdout.Split('\n').Select(l => l.Trim()));
        Assert.All(Enum.GetValues<Orchestration.Domain.BatchStatus>(), s => Assert.Contains(s.ToString().ToLowerInvariant(), flat, StringComparison.Ordinal));
    }
}
