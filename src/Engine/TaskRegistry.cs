using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Durable;

namespace Orchestration.Engine;

/// <summary>Orchestrators and activities by name (case-insensitive, as Durable resolves them).</summary>
internal sealed class TaskRegistry
{
    private readonly Dictionary<string, Func<IServiceProvider, ITaskOrchestrator>> _orchestrators = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Func<IServiceProvider, ITaskActivity>> _activities = new(StringComparer.OrdinalIgnoreCase);

    public IEnumerable<string> OrchestratorNames => _orchestrators.Keys;

    public IEnumerable<string> ActivityNames => _activities.Keys;

    public void AddOrchestrator(TaskName name, Func<IServiceProvider, ITaskOrchestrator> factory)
    {
        if (!_orchestrators.TryAdd(name.Name, factory))
        {
            throw new ArgumentException($"An orchestrator named '{name}' is already registered.", nameof(name));
        }
    }

    public void AddActivity(TaskName name, Func<IServiceProvider, ITaskActivity> factory)
    {
        if (!_activities.TryAdd(name.Name, factory))
        {
            throw new ArgumentException($"An activity named '{name}' is already registered.", nameof(name));
        }
    }

    public void AddType([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type type)
    {
        if (typeof(ITaskOrchestrator).IsAssignableFrom(type))
        {
            AddOrchestrator(type.Name, sp => (ITaskOrchestrator)ActivatorUtilities.CreateInstance(sp, type));
        }

        if (typeof(ITaskActivity).IsAssignableFrom(type))
        {
            AddActivity(type.Name, sp => (ITaskActivity)ActivatorUtilities.CreateInstance(sp, type));
        }
    }

    public ITaskOrchestrator? CreateOrchestrator(TaskName name, IServiceProvider services)
        => _orchestrators.TryGetValue(name.Name, out var factory) ? factory(services) : null;

    public ITaskActivity? CreateActivity(TaskName name, IServiceProvider services)
        => _activities.TryGetValue(name.Name, out var factory) ? factory(services) : null;
}
