using Orchestration.Durable;

namespace Orchestration.Engine;

/// <summary>The activity context the engine passes to activities.</summary>
internal sealed class EngineActivityContext(TaskName name, string instanceId) : TaskActivityContext
{
    public override TaskName Name => name;

    public override string InstanceId => instanceId;
}
