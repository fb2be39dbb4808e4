using System.Collections.Frozen;
using Microsoft.Azure.Functions.Worker;
using Orchestration.Durable;
using Orchestration.Workflows;

namespace Orchestration.Functions;

/// <summary>Runs an activity of <see cref="WorkflowCatalog"/> by name with the invocation's services.</summary>
internal static class CatalogActivity
{
    private static readonly FrozenDictionary<string, Func<IServiceProvider, ITaskActivity>> Activities =
        WorkflowCatalog.Activities.ToFrozenDictionary(a => a.Name.Name, a => a.Create, StringComparer.OrdinalIgnoreCase);

    public static async Task<TOutput> RunAsync<TOutput>(string name, object input, FunctionContext context)
    {
        var activity = Activities[name](context.InstanceServices);
        return (TOutput)(await activity.RunAsync(new FunctionActivityContext(name, context), input).ConfigureAwait(false))!;
    }
}
