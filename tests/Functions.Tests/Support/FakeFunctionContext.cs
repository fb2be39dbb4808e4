using Microsoft.Azure.Functions.Worker;

namespace Orchestration.Functions.Tests.Support;

/// <summary>A function invocation as the isolated worker hands it to a function, for calling functions directly
/// (the unit-test style of the isolated-worker samples): the instance services, binding data and a cancellation token.</summary>
public sealed class FakeFunctionContext(IServiceProvider services, IReadOnlyDictionary<string, object?>? bindingData = null, CancellationToken cancellationToken = default)
    : FunctionContext
{
    public override string InvocationId { get; } = Guid.NewGuid().ToString("N");

    public override string FunctionId { get; } = Guid.NewGuid().ToString("N");

    public override TraceContext TraceContext => throw new NotSupportedException("Not used by the functions under test.");

    public override BindingContext BindingContext { get; } = new FakeBindingContext(bindingData ?? new Dictionary<string, object?>());

    public override RetryContext RetryContext => throw new NotSupportedException("Not used by the functions under test.");

    public override IServiceProvider InstanceServices { get; set; } = services;

    public override FunctionDefinition FunctionDefinition => throw new NotSupportedException("Not used by the functions under test.");

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features => throw new NotSupportedException("Not used by the functions under test.");

    public override CancellationToken CancellationToken { get; } = cancellationToken;

    private sealed class FakeBindingContext(IReadOnlyDictionary<string, object?> data) : BindingContext
    {
        public override IReadOnlyDictionary<string, object?> BindingData { get; } = data;
    }
}
