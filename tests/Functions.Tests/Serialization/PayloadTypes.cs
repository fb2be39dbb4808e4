using Orchestration.Workflows;

namespace Orchestration.Functions.Tests.Serialization;

/// <summary>The types that cross the durable boundary: every input and output type of the catalog's orchestrators
/// and activities (the records they hold travel inside them).</summary>
public static class PayloadTypes
{
    public static IReadOnlyList<Type> All { get; } =
    [
        .. WorkflowCatalog.Orchestrators.Select(o => o.Create(NoServices.Instance)).SelectMany(o => new[] { o.InputType, o.OutputType })
            .Concat(WorkflowCatalog.Activities.Select(a => a.Create(NoServices.Instance)).SelectMany(a => new[] { a.InputType, a.OutputType }))
            .Distinct()
            .OrderBy(t => t.FullName, StringComparer.Ordinal),
    ];

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var type in All)
        {
            data.Add(type.FullName!);
        }

        return data;
    }

    public static Type Named(string fullName) => All.Single(t => t.FullName == fullName);

    private sealed class NoServices : IServiceProvider
    {
        public static readonly NoServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
