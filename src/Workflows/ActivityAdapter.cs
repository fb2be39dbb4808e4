using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Activities;
using Orchestration.Durable;

namespace Orchestration.Workflows;

/// <summary>Runs an <see cref="IActivity{TInput, TOutput}"/> as a durable task activity.</summary>
/// <remarks>The activity class comes from <paramref name="services"/>, or is built from them when it is not
/// registered (the activities that take the durable client, which the Functions host has per invocation).</remarks>
/// <typeparam name="TActivity">The activity class, resolved from the host's services.</typeparam>
/// <typeparam name="TInput">Its input.</typeparam>
/// <typeparam name="TOutput">Its output.</typeparam>
/// <param name="services">The host's services.</param>
public sealed class ActivityAdapter<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TActivity, TInput, TOutput>(IServiceProvider services) : TaskActivity<TInput, TOutput>
    where TActivity : IActivity<TInput, TOutput>
{
    /// <inheritdoc />
    public override async Task<TOutput> RunAsync(TaskActivityContext context, TInput input)
    {
        using var span = OrchestrationTelemetry.Source.StartActivity(typeof(TActivity).Name);
        return await ActivatorUtilities.GetServiceOrCreateInstance<TActivity>(services).RunAsync(input, context.CancellationToken).ConfigureAwait(false);
    }
}
