namespace Orchestration.Durable;

/// <summary>The state of an instance, as Durable Task's <c>OrchestrationMetadata</c>.</summary>
/// <param name="name">The orchestrator name.</param>
/// <param name="instanceId">The instance id.</param>
public sealed class OrchestrationMetadata(string name, string instanceId)
{
    /// <summary>The orchestrator name.</summary>
    public string Name { get; } = name;

    /// <summary>The instance id.</summary>
    public string InstanceId { get; } = instanceId;

    /// <summary>The runtime status.</summary>
    public OrchestrationRuntimeStatus RuntimeStatus { get; init; }

    /// <summary>When the instance was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the instance last changed.</summary>
    public DateTimeOffset LastUpdatedAt { get; init; }

    /// <summary>The JSON input; only when fetched with inputs and outputs.</summary>
    public string? SerializedInput { get; init; }

    /// <summary>The JSON output; only when fetched with inputs and outputs.</summary>
    public string? SerializedOutput { get; init; }

    /// <summary>The JSON custom status.</summary>
    public string? SerializedCustomStatus { get; init; }

    /// <summary>The failure, when the instance failed.</summary>
    public TaskFailureDetails? FailureDetails { get; init; }

    /// <summary>The converter for the Read*As methods; set when fetched with inputs and outputs.</summary>
    public DataConverter? DataConverter { get; init; }

    /// <summary>Whether the instance is running (pending is not running, as in Durable Task).</summary>
    public bool IsRunning => RuntimeStatus == OrchestrationRuntimeStatus.Running;

    /// <summary>Whether the instance has ended: completed, failed or terminated.</summary>
    public bool IsCompleted => RuntimeStatus is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;

    /// <summary>Reads the input.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <returns>The input.</returns>
    /// <exception cref="InvalidOperationException">Not fetched with inputs and outputs.</exception>
    public T? ReadInputAs<T>() => Converter.Deserialize<T>(SerializedInput);

    /// <summary>Reads the output.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <returns>The output.</returns>
    /// <exception cref="InvalidOperationException">Not fetched with inputs and outputs.</exception>
    public T? ReadOutputAs<T>() => Converter.Deserialize<T>(SerializedOutput);

    /// <summary>Reads the custom status.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <returns>The custom status.</returns>
    /// <exception cref="InvalidOperationException">Not fetched with inputs and outputs.</exception>
    public T? ReadCustomStatusAs<T>() => Converter.Deserialize<T>(SerializedCustomStatus);

    private DataConverter Converter => DataConverter
        ?? throw new InvalidOperationException("The instance was not fetched with inputs and outputs (getInputsAndOutputs: true).");
}
