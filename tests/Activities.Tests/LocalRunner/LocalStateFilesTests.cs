using System.Text;
using System.Text.Json;
using Orchestration.Activities.CloudRun;
using Orchestration.Adapters.LocalRunner;

namespace Orchestration.Activities.Tests.LocalRunner;

/// <summary>The state files as a machine crash may leave those written without fsync (missing or empty), and their
/// bytes, which hosts of earlier and later versions read back after a restart.</summary>
public sealed class LocalStateFilesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("orch-state-files-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void TryCreateJson_NotDurable_CreatedOnceAndReadBack()
    {
        var path = Path.Combine(_root, "outcome.json");

        var first = LocalStateFiles.TryCreateJson(path, Outcome("first"), durable: false);
        var second = LocalStateFiles.TryCreateJson(path, Outcome("second"), durable: false);

        Assert.True(first);
        Assert.False(second);
        Assert.Equal(Outcome("first"), LocalStateFiles.TryReadJson<LocalOutcomeRecord>(path));
        Assert.Equal([path], Directory.GetFiles(_root));
    }

    [Fact]
    public void TryReadJson_FileEmptiedByAMachineCrash_ReadsAsNotWritten()
    {
        var path = Path.Combine(_root, "execution.json");
        File.WriteAllBytes(path, []);

        Assert.Null(LocalStateFiles.TryReadJson<LocalExecutionRecord>(path));
        Assert.Null(LocalStateFiles.TryReadJson<LocalExecutionRecord>(Path.Combine(_root, "missing.json")));
    }

    [Fact]
    public void ReadMarker_MarkerEmptiedByAMachineCrash_StillMarksAtItsFileTime()
    {
        var path = Path.Combine(_root, "launched");
        var written = new DateTime(2026, 12, 4, 10, 30, 0, DateTimeKind.Utc);
        File.WriteAllBytes(path, []);
        File.SetLastWriteTimeUtc(path, written);

        Assert.Equal(new DateTimeOffset(written), LocalStateFiles.ReadMarker(path));
        Assert.Null(LocalStateFiles.ReadMarker(Path.Combine(_root, "cancelled")));
    }

    [Fact]
    public void ReadMarker_WrittenNotDurable_ReadsTheTimeItHolds()
    {
        var path = Path.Combine(_root, "launched");
        var time = new DateTimeOffset(2026, 12, 4, 10, 30, 0, 123, TimeSpan.Zero).AddTicks(4567);

        Assert.True(LocalStateFiles.TryCreateMarker(path, time, durable: false));

        Assert.Equal(time, LocalStateFiles.ReadMarker(path));
    }

    [Fact]
    public void WriteJson_Outcome_StateStoredAsItsNumberAsAlways()
    {
        var path = Path.Combine(_root, "outcome.json");

        LocalStateFiles.WriteJson(path, Outcome("exit code 3"));

        Assert.Equal(
            """
            {
              "state": 3,
              "startTime": "2026-12-04T10:30:00+00:00",
              "completionTime": "2026-12-04T10:31:05.25+00:00",
              "failureReason": "exit code 3"
            }
            """,
            File.ReadAllText(path).ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("3")]
    [InlineData("\"failed\"")]
    public void ReadJson_OutcomeStateAsNumberOrName_Reads(string state)
    {
        var path = Path.Combine(_root, "outcome.json");
        File.WriteAllText(path, $$"""{"state": {{state}}, "completionTime": "2026-12-04T10:31:05.25+00:00", "failureReason": "exit code 3"}""");

        var outcome = LocalStateFiles.ReadJson<LocalOutcomeRecord>(path);

        Assert.Equal(Outcome("exit code 3") with { StartTime = null }, outcome);
    }

    [Fact]
    public void WriteJson_JobAndExecutionRecords_SameBytesAsTheReflectionSerializer()
    {
        var secrets = new Dictionary<string, CloudRunSecretRef> { ["ANTHROPIC_API_KEY"] = new("anthropic-api-key", "latest") };
        var environment = new Dictionary<string, string> { ["TASK"] = "<a & \"b\">", ["NAME"] = "café ☕" };
        var time = new DateTimeOffset(2026, 12, 4, 10, 30, 0, 123, TimeSpan.FromHours(1));
        var job = new LocalJobRecord("job-1", "projects/local/locations/local/jobs/job-1", environment, secrets, new Dictionary<string, string> { ["batch"] = "b1" }, TimeSpan.FromMinutes(90), time);
        var execution = new LocalExecutionRecord("projects/local/locations/local/jobs/job-1/executions/job-1-x", "job-1-x", "job-1", environment, secrets, TimeSpan.FromSeconds(600.5), time, LocalExecutor.Native);
        var jobPath = Path.Combine(_root, "job.json");
        var executionPath = Path.Combine(_root, "execution.json");

        LocalStateFiles.WriteJson(jobPath, job);
        LocalStateFiles.WriteJson(executionPath, execution);

        Assert.Equal(Reflected(job), File.ReadAllText(jobPath));
        Assert.Equal(Reflected(execution), File.ReadAllText(executionPath));
        Assert.Equivalent(execution, LocalStateFiles.ReadJson<LocalExecutionRecord>(executionPath));
    }

    private static LocalOutcomeRecord Outcome(string reason) => new(
        CloudRunExecutionState.Failed,
        new DateTimeOffset(2026, 12, 4, 10, 30, 0, TimeSpan.Zero),
        new DateTimeOffset(2026, 12, 4, 10, 31, 5, 250, TimeSpan.Zero),
        reason);

    [Fact]
    public void TryLockFolder_HeldByOneHolderAtATime_FreeOnceDisposed_AndFilesInItStayReadable()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "native")).FullName;
        var journal = Path.Combine(folder, "journal");
        File.WriteAllText(journal, "setup.started\n");

        using (var held = LocalProcess.TryLockFolder(folder))
        {
            Assert.NotNull(held);
            Assert.Null(LocalProcess.TryLockFolder(folder));
            // The lock is on the folder alone: .NET's own shared lock on a file in it is not refused.
            Assert.Equal("setup.started\n", File.ReadAllText(journal));
        }

        using var again = LocalProcess.TryLockFolder(folder);
        Assert.NotNull(again);
        Assert.Throws<IOException>(() => LocalProcess.TryLockFolder(Path.Combine(_root, "missing")));
    }

    // What the files were written with before generated metadata: reflection over the same settings.
    private static string Reflected<T>(T value) =>
        Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(value, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
}
