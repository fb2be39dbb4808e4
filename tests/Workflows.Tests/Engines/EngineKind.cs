namespace Orchestration.Workflows.Tests.Engines;

/// <summary>Which durable engine a <see cref="WorkflowHarness"/> runs the product's orchestrators on.</summary>
public enum EngineKind
{
    /// <summary>The embedded engine (src/Engine, SQLite), replaying every episode.</summary>
    Embedded,

    /// <summary>The real Durable Task SDK worker and client on the in-process test host
    /// (<see cref="InProcessBackend"/>), through src/DurableSdk's adapters.</summary>
    DurableTaskSdk,
}
