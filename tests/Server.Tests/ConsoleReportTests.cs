using Orchestration.Domain.Aggregation;
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

    [Fact]
    public void Aggregate_StoppedByTheCostCap_ShowsSkippedColumn_OtherBatchesKeepTheirColumns()
    {
        var stopped = new BatchAggregate
        {
            Tasks = [new TaskAggregate { Ordinal = 0, Id = "review", Runs = 8, Passed = 3, Skipped = 5 }],
            Total = new AggregateStats { Runs = 8, Passed = 3, Skipped = 5 },
        };
        var completed = new BatchAggregate
        {
            Tasks = [new TaskAggregate { Ordinal = 0, Id = "review", Runs = 8, Passed = 8 }],
            Total = new AggregateStats { Runs = 8, Passed = 8 },
        };

        var stoppedText = Render(ConsoleReport.Aggregate("b", "stopped", stopped, ascii: true));
        var completedText = Render(ConsoleReport.Aggregate("b", "completed", completed, ascii: true));

        Assert.Equal("skipped", Cell(stoppedText, "task", 7));
        Assert.Equal("5", Cell(stoppedText, "review", 7));
        Assert.Equal("5", Cell(stoppedText, "TOTAL", 7));
        Assert.Equal("flagged", Cell(completedText, "task", 7));
        Assert.DoesNotContain("skipped", completedText, StringComparison.Ordinal);
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
