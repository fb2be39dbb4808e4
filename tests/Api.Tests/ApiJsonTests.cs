using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using Orchestration.Domain;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Comparison;
using Orchestration.Domain.Planning;
using Orchestration.Workflows.Service;

namespace Orchestration.Api.Tests;

/// <summary>The answers written from generated metadata (<see cref="ApiJsonContext"/>) against what the API wrote
/// before, by reflection, from anonymous objects: the same bytes.</summary>
public sealed class ApiJsonTests
{
    /// <summary>The options the API used before: the same settings, metadata by reflection.</summary>
    internal static readonly JsonSerializerOptions ReflectionOptions = Reflection(new JsonSerializerOptions(BatchJson.Options));

    private static readonly JsonSerializerOptions ReflectionRows = Reflection(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    private static readonly Links Links = new("b+1 é", "/api/batches/b%2B1", "/api/batches/b%2B1/results", "/api/batches/b%2B1/runs", "/api/batches/b%2B1/cancel");

    private static readonly ProgressSummary Progress = new(10, 2, 3, 5);

    private static readonly IReadOnlyList<TaskStatusCounts> Tasks = [new("t'1", 10, 4, 1, 0, 0, 0, new Dictionary<string, int> { ["flaky<"] = 2 })];

    [Fact]
    public void Answers_GeneratedMetadata_SameBytesAsTheAnonymousObjectsWrittenByReflection()
    {
        AssertSame(new HealthAnswer("ok"), new { status = "ok" }, ApiJson.Options);
        AssertSame(new ResultsPending("b+1", 2, "rejudging"), new { id = "b+1", version = 2, status = "rejudging" }, ApiJson.Options);
        AssertSame(new RejudgeAccepted("b+1", 2, "/r?version=2", "rejudging"), new { id = "b+1", version = 2, resultsUri = "/r?version=2", status = "rejudging" }, ApiJson.Options);
        AssertSame(new RerunAccepted("b+1", 3, 7, "/r?version=3", "/s", "running"),
            new { id = "b+1", version = 3, runs = 7, resultsUri = "/r?version=3", statusUri = "/s", status = "running" }, ApiJson.Options);
        AssertSame(new BundleStored(new string('a', 64)), new { bundle = new string('a', 64) }, ApiJson.Options);
        AssertSame(new BatchProgressEvent("running", Progress, Tasks), new { Status = "running", Progress, Tasks }, ApiJson.Options);
        AssertSame(new BatchEndEvent("completed", null, Progress with { Packs = new PackProgress(1, 0) }, Tasks),
            new { Status = "completed", Reason = (string?)null, Progress = Progress with { Packs = new PackProgress(1, 0) }, Tasks }, ApiJson.Options);
    }

    [Fact]
    public void Pages_GeneratedMetadata_SameBytesAsTheAnonymousObjectsWrittenByReflection()
    {
        var created = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var labels = new Dictionary<string, string> { ["team"] = "données+'<>" };
        AssertSame(
            new BatchList([new BatchListItem("b+1 é", "running", created, created.AddSeconds(1.5), 10, labels, null, Links)], null),
            new
            {
                items = new[] { new { id = "b+1 é", status = "running", createdAt = created, lastUpdatedAt = created.AddSeconds(1.5), totalRuns = 10, labels, reason = (string?)null, links = Links } },
                continuationToken = (string?)null,
            },
            ApiJson.Rows);

        var row = new Dictionary<string, object?>
        {
            ["batch"] = "b+1",
            ["task"] = "t'1",
            ["runIndex"] = 0,
            ["outcome"] = "passed",
            ["flags"] = "a;b",
            ["exitCode"] = null,
            ["durationSeconds"] = 1.25,
            ["costUsd"] = 0.0105m,
            ["attempts"] = 1,
            ["execution"] = null,
            ["reason"] = "é<",
            ["label.team"] = null,
        };
        AssertSame(new RunsPage([row, row], "tok+"), new { items = new[] { row, row }, continuationToken = "tok+" }, ApiJson.Rows);
        AssertSame(new JudgedRunsPage([row], "cur"), new { items = new[] { row }, next = "cur" }, ApiJson.Rows);
        Assert.Equal(JsonSerializer.Serialize(row, ReflectionRows), JsonSerializer.Serialize(row, RunColumns.Row));
    }

    [Fact]
    public void SharedTypes_GeneratedMetadata_SameBytesAsReflection()
    {
        AssertSame(Links, Links, ApiJson.Options);
        AssertSame(new ApiProblem("urn:x", "T+", 400, null), new ApiProblem("urn:x", "T+", 400, null), ApiJson.Rows);
        AssertSame(new ApiProblem("urn:x", "T", 400, "d'", [new ApiProblemError("$.tasks[0]", "é")]),
            new ApiProblem("urn:x", "T", 400, "d'", [new ApiProblemError("$.tasks[0]", "é")]), ApiJson.Rows);
        var status = new BatchStatusDocument("b+1", "running", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1), Progress, Tasks, null);
        AssertSame(status, status, ApiJson.Options);
        var plan = Plan();
        AssertSame(plan, plan, ApiJson.Rows);
    }

    [Theory]
    [InlineData(typeof(Links), false)]
    [InlineData(typeof(BatchStatusDocument), false)]
    [InlineData(typeof(BatchAggregate), false)]
    [InlineData(typeof(BatchComparison), false)]
    [InlineData(typeof(DryRunPlan), true)]
    public void OpenApiSchemas_GeneratedMetadata_SameAsReflection(Type type, bool rows)
    {
        // The OpenAPI document's schemas came from BatchJson.Options (reflection for the API's and the workflows'
        // types) and reflection rows.
        var exporter = new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true };
        var before = JsonSchemaExporter.GetJsonSchemaAsNode(rows ? ReflectionRows : BatchJson.Options, type, exporter).ToJsonString();
        var after = JsonSchemaExporter.GetJsonSchemaAsNode(rows ? ApiJson.Rows : ApiJson.Options, type, exporter).ToJsonString();
        Assert.Equal(before, after);
    }

    private static void AssertSame<T>(T answer, object before, JsonSerializerOptions options)
    {
        var reflection = ReferenceEquals(options, ApiJson.Rows) ? ReflectionRows : ReflectionOptions;
        Assert.Equal(JsonSerializer.Serialize(before, before.GetType(), reflection), JsonSerializer.Serialize(answer, options.Info<T>()));
    }

    private static JsonSerializerOptions Reflection(JsonSerializerOptions options)
    {
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.TypeInfoResolver = new DefaultJsonTypeInfoResolver();
        options.MakeReadOnly();
        return options;
    }

    private static DryRunPlan Plan()
    {
        var cost = new CostEstimate(600, 4, 2400m, 1200m, 0.05m, null, 0.05m, false, 0.01m);
        return new DryRunPlan(true, "Nothing was started.", null, false, null, "start batch é+", 4, 2, new DryRunChunks(100, 1, 1, 2),
            [new DryRunTask(0, "t'1", "claude", 2, 2, 600, "1", "512Mi", null, "job", "abc123", cost)],
            [new DryRunJob("job", "claude", "img", "1", "512Mi", ["t'1"], null)],
            [new DryRunInputSet("abc123", ["t'1"], [new DryRunObject("repo", "path", "ref<", 10, true)], null)],
            cost, new DryRunPrices(0.000024m, 0.0000025m), "note", ["w+"], new DryRunBudget(1m, false, 4, "cap"));
    }
}
