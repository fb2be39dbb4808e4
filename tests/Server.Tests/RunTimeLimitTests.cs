using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Orchestration.Server.Tests;

/// <summary><c>run FILE</c> end to end with a short timeout: the work gets its whole timeoutSeconds (issue 22:
/// it used to get 1 s of any timeout up to about 31 s), and the run row says the limit and how long it ran.</summary>
public sealed class RunTimeLimitTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("server-tests-").FullName;

    private string Data => Path.Combine(_temp, "data");

    [Fact]
    public async Task Run_ThreeSecondTimeout_OneSecondCommandPassesAndFiveSecondCommandTimesOutAtThree()
    {
        // Arrange
        var file = Path.Combine(_temp, "limits.json");
        await File.WriteAllTextAsync(file, """
            {"id": "limits", "defaults": {"timeoutSeconds": 3, "maxAttempts": 1}, "tasks": [
              {"id": "quick", "command": "sleep 1; echo done"},
              {"id": "slow", "command": "echo started; sleep 5; echo never"}]}
            """);

        // Act
        var (code, stdout, stderr) = await ServerProcess.RunAsync("run", file, "--data", Data, "--json");

        // Assert
        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        using var json = JsonDocument.Parse(stdout);
        var tasks = json.RootElement.GetProperty("tasks").EnumerateArray().ToDictionary(t => t.GetProperty("id").GetString()!);
        Assert.Equal((1, 1, 0), (tasks["quick"].GetProperty("runs").GetInt32(), tasks["quick"].GetProperty("passed").GetInt32(), tasks["quick"].GetProperty("timedOut").GetInt32()));
        Assert.Equal((1, 0, 1), (tasks["slow"].GetProperty("runs").GetInt32(), tasks["slow"].GetProperty("passed").GetInt32(), tasks["slow"].GetProperty("timedOut").GetInt32()));
        var rows = RunRows();
        Assert.Equal("passed", rows["quick"].Outcome);
        Assert.Equal("timedOut", rows["slow"].Outcome);
        Assert.Matches(@"^the work passed its time limit of 3 s \(ran [3-5]\.[0-9] s\)$", rows["slow"].Reason);
        Assert.InRange(rows["quick"].Duration, 1, 3);
        Assert.InRange(rows["slow"].Duration, 3, 6);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_temp, recursive: true);
        }
        catch (IOException)
        {
            // A straggling runner may still hold a file; the OS cleans temp folders.
        }
    }

    // The run rows the result store holds, by task id.
    private Dictionary<string, (string Outcome, string? Reason, double Duration)> RunRows()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(Data, "stores.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT row FROM runs";
        using var reader = select.ExecuteReader();
        var rows = new Dictionary<string, (string, string?, double)>(StringComparer.Ordinal);
        while (reader.Read())
        {
            using var row = JsonDocument.Parse((byte[])reader.GetValue(0));
            var root = row.RootElement;
            rows[root.GetProperty("taskId").GetString()!] = (
                root.GetProperty("outcome").GetString()!,
                root.TryGetProperty("reason", out var reason) ? reason.GetString() : null,
                root.GetProperty("durationSeconds").GetDouble());
        }

        return rows;
    }
}
