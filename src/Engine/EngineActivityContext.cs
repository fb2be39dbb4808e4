using Orchestration.Durable;

namespace Orchestration.Engine;

/// <summary>The activity context the engine passes to activities.</summary>
internal sealed class EngineActivityContext(TaskName name, string instanceId, CancellationToken cancellationToken) : TaskActivityContext
{
    public override TaskName Name => name;

    public override string InstanceId => instanceId;

    public override CancellationToken CancellationToken => cancellationToken;
}
