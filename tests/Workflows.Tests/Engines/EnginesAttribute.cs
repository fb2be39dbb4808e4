using System.Reflection;
using Xunit.Sdk;

namespace Orchestration.Workflows.Tests.Engines;

/// <summary>Runs a theory once per engine, the engine as its first argument and <see cref="Arguments"/> after it:
/// one scenario set for every engine, never a copy per engine. A scenario that passes on one engine and fails on
/// another is a bug in that engine or in the SDK adapters.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class EnginesAttribute(params object[] arguments) : DataAttribute
{
    /// <summary>The engines every scenario runs on.</summary>
    public static IReadOnlyList<EngineKind> All { get; } = [EngineKind.Embedded, EngineKind.DurableTaskSdk];

    public IReadOnlyList<object> Arguments { get; } = arguments;

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => All.Select(engine => (object[])[engine, .. Arguments]);
}
