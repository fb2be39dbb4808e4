using DurableTask.Core.History;
using Microsoft.DurableTask.Testing.Sidecar.Dispatcher;

namespace Orchestration.Workflows.Tests.Engines;

/// <summary>Why <see cref="PlainHistoryOrchestrationService"/> exists, and what it writes instead.</summary>
public sealed class PlainHistoryOrchestrationServiceTests
{
    // The root cause of "The TableEntity did not contain a 'EventType' property": DurableTask.AzureStorage's table
    // converter serializes only types that declare [DataContract] themselves, and the sidecar's subclass does not.
    // When a test host version declares it, this fails and the rewrite can go.
    [Fact]
    public void IsStorable_SidecarSubOrchestrationEvent_NotADataContractOfItsOwn()
    {
        Assert.False(PlainHistoryOrchestrationService.IsStorable(new GrpcSubOrchestrationInstanceCreatedEvent(3)));
        Assert.True(PlainHistoryOrchestrationService.IsStorable(new SubOrchestrationInstanceCreatedEvent(3)));
    }

    [Fact]
    public void Plain_SidecarSubOrchestrationEvent_ReplacedInPlaceByThePlainEventWithEveryStoredField()
    {
        var at = new DateTime(2026, 5, 1, 12, 0, 0, DateTimeKind.Utc);
        var started = new OrchestratorStartedEvent(-1);
        var created = new GrpcSubOrchestrationInstanceCreatedEvent(7)
        {
            Timestamp = at,
            IsPlayed = true,
            Name = "RunOrchestrator",
            Version = "v1",
            InstanceId = "b:t0:r1",
            Input = """{"batchId":"b"}""",
            ClientSpanId = "span",
            Tags = new Dictionary<string, string> { ["k"] = "v" },
        };
        var events = new List<HistoryEvent> { started, created };

        PlainHistoryOrchestrationService.Plain(events);

        Assert.Same(started, events[0]);
        var plain = Assert.IsType<SubOrchestrationInstanceCreatedEvent>(events[1]);
        Assert.Equal(
            (7, at, true, "RunOrchestrator", "v1", "b:t0:r1", """{"batchId":"b"}""", "span", "v"),
            (plain.EventId, plain.Timestamp, plain.IsPlayed, plain.Name, plain.Version, plain.InstanceId, plain.Input, plain.ClientSpanId, plain.Tags["k"]));
        Assert.Equal(EventType.SubOrchestrationInstanceCreated, plain.EventType);
    }
}
