using System.Net;
using System.Text;
using System.Text.Json;

namespace Orchestration.Server.Tests;

/// <summary><c>path</c> inputs over HTTP to <c>serve</c> with a configured root: one inside the root runs,
/// ones leaving it (<c>..</c>, an absolute path, a symbolic link inside the root pointing out) fail their
/// batch with the reason before any execution starts.</summary>
/// <remarks>The root is a host setting and the check follows the file system (links), so it happens where
/// the files are read (PrepareBatch), not in the document validation; the submit itself is accepted.</remarks>
public sealed class PathInputEscapeTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("paths-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A detached execution may still be writing; the temp folder is left behind.
        }
    }

    [Fact]
    public async Task Serve_PathInputsLeavingTheRoot_BatchFailsWithReasonAndNothingLaunched()
    {
        // Arrange: root/inside/file.txt, root/escape -> a folder outside the root holding a secret file
        var root = Directory.CreateDirectory(Path.Combine(_data, "root")).FullName;
        var outside = Directory.CreateDirectory(Path.Combine(_data, "outside")).FullName;
        await File.WriteAllTextAsync(Path.Combine(outside, "private.txt"), "outside the root");
        Directory.CreateDirectory(Path.Combine(root, "inside"));
        await File.WriteAllTextAsync(Path.Combine(root, "inside", "file.txt"), "inside the root");
        File.CreateSymbolicLink(Path.Combine(root, "escape"), outside);
        var port = ServerProcess.FreePort();
        var environment = new Dictionary<string, string> { ["Orchestration__Runs__PathInputRoot"] = root };
        using var server = ServerProcess.Start(environment, "serve", "--urls", $"http://127.0.0.1:{port}", "--data", Path.Combine(_data, "server"));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        await server.WaitForHealthAsync(http);
        var escapes = new Dictionary<string, (string Path, string Reason)>(StringComparer.Ordinal)
        {
            ["parent"] = ("../outside", "outside the folder"),
            ["absolute"] = (outside, "outside the folder"),
            ["deep-parent"] = ("inside/../../outside/private.txt", "outside the folder"),
            ["link"] = ("escape", "link"),
            ["through-link"] = ("escape/private.txt", "link"),
        };

        // Act
        var good = await SubmitAsync(http, "inside-ok", "inside", "cat input/x/file.txt");
        foreach (var (id, escape) in escapes)
        {
            Assert.Equal(HttpStatusCode.Accepted, await SubmitAsync(http, id, escape.Path, "cat input/x/private.txt"));
        }

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, good);
        Assert.Equal("completed", (await server.WaitForBatchEndAsync(http, "inside-ok")).GetProperty("status").GetString());
        foreach (var (id, escape) in escapes)
        {
            var status = await server.WaitForBatchEndAsync(http, id);
            Assert.Equal("failed", status.GetProperty("status").GetString());
            Assert.Contains(escape.Reason, status.GetProperty("reason").GetString()!, StringComparison.Ordinal);
            var runs = await http.GetStringAsync($"/api/batches/{id}/runs?format=csv");
            Assert.DoesNotContain("outside the root", runs, StringComparison.Ordinal);
            Assert.Single(runs.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // the header: no run ever ran
            var totals = (await http.GetStringAsync($"/api/batches/{id}/results?format=csv")).Split('\n').Single(l => l.StartsWith("total,", StringComparison.Ordinal));
            Assert.StartsWith("total,,1,0,0,0,0,1,", totals, StringComparison.Ordinal); // one run, counted cancelled
        }

        var executions = Path.Combine(_data, "server", "executions");
        var launched = Directory.Exists(executions) ? Directory.EnumerateDirectories(executions, "*", SearchOption.AllDirectories).Count(d => File.Exists(Path.Combine(d, "execution.json"))) : 0;
        Assert.True(launched <= 1, $"{launched} executions: only the batch inside the root may have launched one");
    }

    private static async Task<HttpStatusCode> SubmitAsync(HttpClient http, string id, string path, string command)
    {
        var body = JsonSerializer.Serialize(new { id, tasks = new[] { new { id = "t", command, inputs = new { x = new { path } } } } });
        using var response = await http.PostAsync("/api/batches", new StringContent(body, Encoding.UTF8, "application/json"));
        return response.StatusCode;
    }
}
