namespace Orchestration.Engine;

/// <summary>Used when the engine is built without a container: tasks need parameterless constructors.</summary>
internal sealed class EmptyServiceProvider : IServiceProvider
{
    public static EmptyServiceProvider Instance { get; } = new();

    public object? GetService(Type serviceType) => null;
}
