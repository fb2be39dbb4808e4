using Orchestration.Workflows.Service;
using Spectre.Console;

namespace Orchestration.Server.Tests;

public sealed class ConsoleReportTests
{
    [Fact]
    public void Progress_LiveCountsWithoutFlaggedRuns_ShowsDashLikeTheFinalTable()
    {
        var status = new BatchStatusDocument("b", "running", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, new ProgressSummary(4, 1, 1, 2),
        [
            new TaskStatusCounts("plain", 2, 1, 0, 0, 0, 0, new Dictionary<string, int> { ["*"] = 0 }),
            new TaskStatusCounts("flagged", 2, 1, 0, 0, 0, 0, new Dictionary<string, int> { ["*"] = 1 }),
        ], null);

        var text = Render(ConsoleReport.Progress(status, ascii: true));

        Assert.Equal("-", Cell(text, "plain", 7));
        Assert.Equal("*=1", Cell(text, "flagged", 7));
    }

    private static string Render(Spectre.Console.Rendering.IRenderable table)
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No });
        console.Profile.Width = 200;
        console.Write(table);
        return writer.ToString();
    }

    private static string Cell(string table, string task, int column) =>
        table.Split('\n').First(l => l.StartsWith($"| {task} ", StringComparison.Ordinal)).Trim().Trim('|').Split('|')[column].Trim();
}
