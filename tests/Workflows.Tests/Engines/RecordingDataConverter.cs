using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Converters;

namespace Orchestration.Workflows.Tests.Engines;

/// <summary>The SDK worker's and client's data converter on the product's JSON options, keeping every payload it
/// writes or reads. A Durable Task history holds names, ids, timestamps and these payloads (inputs, outputs,
/// event data, custom status), so they stand for the history where the backend serves none to clients (the
/// in-process test host's sidecar streams history only to a worker replaying it).</summary>
public sealed class RecordingDataConverter(JsonSerializerOptions options) : DataConverter
{
    private readonly JsonDataConverter _inner = new(options);

    public ConcurrentQueue<string> Payloads { get; } = new();

    public override string? Serialize(object? value)
    {
        var data = _inner.Serialize(value);
        if (data is not null)
        {
            Payloads.Enqueue(data);
        }

        return data;
    }

    public override object? Deserialize(string? data, Type targetType)
    {
        if (data is not null)
        {
            Payloads.Enqueue(data);
        }

        return _inner.Deserialize(data, targetType);
    }
}
