using Orchestration.Durable;

namespace Orchestration.Engine;

/// <summary>An activity given as a delegate.</summary>
internal sealed class FuncActivity<TInput, TOutput>(Func<TaskActivityContext, TInput, Task<TOutput>> func)
    : TaskActivity<TInput, TOutput>
{
    public override Task<TOutput> RunAsync(TaskActivityContext context, TInput input) => func(context, input);
}
