using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Durable;

namespace Orchestration.Engine;

/// <summary>Registration of orchestrators and activities.</summary>
public sealed partial class EmbeddedEngineOptions
{
    internal TaskRegistry Registry { get; } = new();

    /// <summary>Registers an orchestrator under its class name (as <c>nameof</c> gives it).</summary>
    /// <typeparam name="TOrchestrator">The orchestrator.</typeparam>
    /// <returns>These options.</returns>
    public EmbeddedEngineOptions AddOrchestrator<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TOrchestrator>()
        where TOrchestrator : class, ITaskOrchestrator
    {
        Registry.AddOrchestrator(typeof(TOrchestrator).Name, sp => ActivatorUtilities.CreateInstance<TOrchestrator>(sp));
        return this;
    }

    /// <summary>Registers an orchestrator given as a delegate.</summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TOutput">The output type.</typeparam>
    /// <param name="name">The name.</param>
    /// <param name="orchestrator">The orchestrator body.</param>
    /// <returns>These options.</returns>
    public EmbeddedEngineOptions AddOrchestratorFunc<TInput, TOutput>(TaskName name, Func<TaskOrchestrationContext, TInput, Task<TOutput>> orchestrator)
    {
        ArgumentNullException.ThrowIfNull(orchestrator);
        Registry.AddOrchestrator(name, _ => new FuncOrchestrator<TInput, TOutput>(orchestrator));
        return this;
    }

    /// <summary>Registers an activity under its class name; created per call with constructor injection.</summary>
    /// <typeparam name="TActivity">The activity.</typeparam>
    /// <returns>These options.</returns>
    public EmbeddedEngineOptions AddActivity<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TActivity>()
        where TActivity : class, ITaskActivity
    {
        Registry.AddActivity(typeof(TActivity).Name, sp => ActivatorUtilities.CreateInstance<TActivity>(sp));
        return this;
    }

    /// <summary>Registers an activity given as a delegate.</summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TOutput">The output type.</typeparam>
    /// <param name="name">The name.</param>
    /// <param name="activity">The activity body.</param>
    /// <returns>These options.</returns>
    public EmbeddedEngineOptions AddActivityFunc<TInput, TOutput>(TaskName name, Func<TaskActivityContext, TInput, Task<TOutput>> activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        Registry.AddActivity(name, _ => new FuncActivity<TInput, TOutput>(activity));
        return this;
    }

    /// <summary>Registers an orchestrator under a given name, created by a factory for each execution.</summary>
    /// <param name="name">The name.</param>
    /// <param name="factory">Creates the orchestrator from the engine's services.</param>
    /// <returns>These options.</returns>
    public EmbeddedEngineOptions AddOrchestrator(TaskName name, Func<IServiceProvider, ITaskOrchestrator> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Registry.AddOrchestrator(name, factory);
        return this;
    }

    /// <summary>Registers an activity under a given name, created by a factory for each call.</summary>
    /// <param name="name">The name (e.g. the real activity's <c>nameof</c>, when a test registers a fake).</param>
    /// <param name="factory">Creates the activity from the engine's (scoped) services.</param>
    /// <returns>These options.</returns>
    public EmbeddedEngineOptions AddActivity(TaskName name, Func<IServiceProvider, ITaskActivity> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Registry.AddActivity(name, factory);
        return this;
    }

    /// <summary>Registers every concrete public orchestrator and activity class of an assembly, by class name.</summary>
    /// <param name="assembly">The assembly.</param>
    /// <returns>These options.</returns>
    [RequiresUnreferencedCode("Finds the classes by reflection over the assembly's exported types; register each with AddOrchestrator<T>/AddActivity<T> in a trimmed host.")]
    public EmbeddedEngineOptions AddTasksFromAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var types = assembly.GetExportedTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false })
            .Where(t => typeof(ITaskOrchestrator).IsAssignableFrom(t) || typeof(ITaskActivity).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal);
        foreach (var type in types)
        {
            Registry.AddType(type);
        }

        return this;
    }
}
