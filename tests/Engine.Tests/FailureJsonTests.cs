using System.Text.Json;
using Orchestration.Durable;

namespace Orchestration.Engine.Tests;

public sealed class FailureJsonTests
{
    // Histories written before the metadata was source-generated hold what the reflection serializer wrote with
    // the web defaults: the generated metadata must write the same bytes and read them back whole.
    [Fact]
    public void Serialize_NestedFailure_WritesWhatTheReflectionSerializerWroteAndReadsItBack()
    {
        // Arrange
        var details = new TaskFailureDetails(
            "System.InvalidOperationException",
            "outer \"quoted\" é",
            "   at Somewhere()",
            new TaskFailureDetails("System.TimeoutException", "inner", null, null));
        var reflection = JsonSerializer.Serialize(details, new JsonSerializerOptions(JsonSerializerDefaults.Web));

        // Act
        var json = FailureJson.Serialize(details);
        var back = FailureJson.Deserialize(reflection);

        // Assert
        Assert.Equal(reflection, json);
        Assert.Equal(details, back);
        Assert.Null(FailureJson.Deserialize(null));
    }
}
