using Orchestration.Durable;

namespace Orchestration.Server.CrashServer;

/// <summary>An activity wrapped so that the crash point sees it just before and just after it runs.</summary>
/// <param name="inner">The real activity.</param>
/// <param name="crash">Decides whether this arrival kills the process.</param>
internal sealed class CrashingActivity(ITaskActivity inner, CrashPoint crash) : ITaskActivity
{
    public Type InputType => inner.InputType;

    public Type OutputType => inner.OutputType;

    public async Task<object?> RunAsync(TaskActivityContext context, object? input)
    {
        crash.Before(context);
        var output = await inner.RunAsync(context, input);
        crash.After(context, output);
        return output;
    }
}
