using Orchestration.Durable;

namespace Orchestration.Engine;

/// <summary>An orchestrator given as a delegate.</summary>
internal sealed class FuncOrchestrator<TInput, TOutput>(Func<TaskOrchestrationContext, TInput, Task<TOutput>> func)
    : TaskOrchestrator<TInput, TOutput>
{
    public override Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input) => func(context, input);
}
