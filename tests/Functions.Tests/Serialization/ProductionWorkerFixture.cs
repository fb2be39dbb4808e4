using Orchestration.Functions.Tests.Support;

namespace Orchestration.Functions.Tests.Serialization;

/// <summary>One production-built worker service provider for the converter tests.</summary>
public sealed class ProductionWorkerFixture : IDisposable
{
    public ProductionWorker Worker { get; } = ProductionWorker.Build();

    public void Dispose() => Worker.Dispose();
}
