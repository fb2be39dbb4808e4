using System.Text.Json;
using Azure.Core.Serialization;
using CsCheck;
using Microsoft.DurableTask.Converters;
using Orchestration.Activities.Contracts;
using Orchestration.Domain;

namespace Orchestration.Functions.Tests.Serialization;

/// <summary>Durable payloads through the converter the production worker really uses: built as Program.cs builds
/// it, with the Durable extension's startup run, and the converter read back from the worker's options.</summary>
public sealed class DataConverterTests(ProductionWorkerFixture fixture) : IClassFixture<ProductionWorkerFixture>
{
    private const int Samples = 150;

    private static readonly BatchSummary Sample = new("b-1", BatchStatus.Completed, 3, 2, 1, 0, 0, 0, 1, null);

    [Fact]
    public void DurableExtension_WorkerAndClientConverters_AreTheShimOverTheWorkerSerializer()
    {
        // Act
        var worker = fixture.Worker.WorkerConverter;
        var client = fixture.Worker.ClientConverter;

        // Assert: the Durable extension (1.22.0) wraps WorkerOptions.Serializer in its ObjectConverterShim for both
        // the durable worker and the [DurableClient] clients, replacing the SDK's default JsonDataConverter.
        Assert.IsType<JsonObjectSerializer>(fixture.Worker.Serializer);
        Assert.Equal("ObjectConverterShim", worker.GetType().Name);
        Assert.Equal("ObjectConverterShim", client.GetType().Name);
        Assert.IsNotType<JsonDataConverter>(worker);
    }

    [Fact]
    public void DurableExtension_WorkerConverter_WritesWhatBatchJsonWrites()
    {
        // Act
        var json = fixture.Worker.WorkerConverter.Serialize(Sample);

        // Assert: BatchJson's options (camelCase, enums as camelCase strings, nulls left out), not the SDK default's.
        Assert.Equal(JsonSerializer.Serialize(Sample, BatchJson.Options), json);
        Assert.NotEqual(JsonDataConverter.Default.Serialize(Sample), json);
        Assert.Contains("\"status\":\"completed\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void DurableExtension_WorkerConverter_RejectsWhatBatchJsonRejects()
    {
        // BatchJson disallows unknown members: a payload written by a different contract fails loudly instead of
        // losing the member.
        var json = """{"batchId":"b-1","status":"completed","runs":1,"passed":1,"failed":0,"errored":0,"timedOut":0,"cancelled":0,"flagged":0,"extra":1}""";

        Assert.ThrowsAny<JsonException>(() => fixture.Worker.WorkerConverter.Deserialize(json, typeof(BatchSummary)));
    }

    [Fact]
    public void PayloadTypes_Catalog_CoverEveryOrchestratorAndActivityType()
    {
        // The inventory the round-trip theory runs over; checked so an empty catalog cannot pass it vacuously.
        Assert.Contains(typeof(Orchestration.Workflows.BatchInput), PayloadTypes.All);
        Assert.Contains(typeof(Orchestration.Workflows.RunInput), PayloadTypes.All);
        Assert.Contains(typeof(RunSummary), PayloadTypes.All);
        Assert.True(PayloadTypes.All.Count >= 15, $"Only {PayloadTypes.All.Count} payload types.");
    }

    [Theory]
    [MemberData(nameof(PayloadTypes.Names), MemberType = typeof(PayloadTypes))]
    public void PayloadType_GeneratedValues_RoundTripThroughTheProductionConverters(string typeName)
    {
        // Arrange
        var type = PayloadTypes.Named(typeName);
        var worker = fixture.Worker.WorkerConverter;
        var client = fixture.Worker.ClientConverter;
        var serializer = fixture.Worker.Serializer;

        // Act / Assert: client -> worker (an orchestration input scheduled by a function), worker -> worker
        // (activity inputs, outputs, custom status), and the worker's ObjectSerializer the activity trigger binds
        // with; each result must equal the original member by member.
        ContractGen.For(type).Sample(value =>
        {
            var json = client.Serialize(value);
            Assert.Null(DeepEquality.FirstDifference(value, worker.Deserialize(json, type)));
            Assert.Null(DeepEquality.FirstDifference(value, worker.Deserialize(worker.Serialize(value), type)));
            var binary = serializer.Serialize(value, type, CancellationToken.None);
            Assert.Null(DeepEquality.FirstDifference(value, serializer.Deserialize(binary.ToStream(), type, CancellationToken.None)));
        }, iter: Samples, threads: 1);
    }

    [Fact]
    public void DeepEquality_DroppedMember_IsReported()
    {
        // The comparison the round trip relies on must see a member lost on the way.
        var original = new RunAttempt("b", "n", 1, "t", 2, 3);
        var dropped = original with { TaskId = "" };

        Assert.Equal("$.TaskId: expected \"t\", got \"\"", DeepEquality.FirstDifference(original, dropped));
        Assert.Null(DeepEquality.FirstDifference(original, original with { }));
    }
}
