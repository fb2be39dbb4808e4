using System.Collections.Frozen;
using Microsoft.Azure.Functions.Worker;
using Orchestration.Durable;
using Orchestration.DurableSdk;
using Orchestration.Workflows;
using RealClient = Microsoft.DurableTask.Client;

namespace Orchestration.Functions;

/// <summary>Runs an activity of <see cref="WorkflowCatalog"/> by name with the invocation's services.</summary>
internal static class CatalogActivity
{
    private static readonly FrozenDictionary<string, Func<IServiceProvider, ITaskActivity>> Activities =
        WorkflowCatalog.Activities.ToFrozenDictionary(a => a.Name.Name, a => a.Create, StringComparer.OrdinalIgnoreCase);

    public static Task<TOutput> RunAsync<TOutput>(string name, object input, FunctionContext context) =>
        RunAsync<TOutput>(name, input, context, context.InstanceServices);

    /// <summary>Runs an activity that takes the durable client, with the client of the invocation's
    /// <c>[DurableClient]</c> binding (the isolated worker has no client in its container).</summary>
    public static Task<TOutput> RunAsync<TOutput>(string name, object input, FunctionContext context, RealClient.DurableTaskClient client) =>
        RunAsync<TOutput>(name, input, context, new DurableClientServices(context.InstanceServices, client));

    private static async Task<TOutput> RunAsync<TOutput>(string name, object input, FunctionContext context, IServiceProvider services)
    {
        var activity = Activities[name](services);
        return (TOutput)(await activity.RunAsync(new FunctionActivityContext(name, context), input).ConfigureAwait(false))!;
    }
}
