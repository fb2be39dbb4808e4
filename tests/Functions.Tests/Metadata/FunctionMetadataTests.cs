using System.Reflection;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Orchestration.Adapters.Queue;
using Orchestration.Workflows;

namespace Orchestration.Functions.Tests.Metadata;

/// <summary>The Worker SDK's generated <c>functions.metadata</c> against the product: the route table src/Api maps in
/// the standalone server, the submission queue, the timers and the workflow catalog.</summary>
public sealed class FunctionMetadataTests
{
    private static readonly FunctionsMetadataFile Metadata = FunctionsMetadataFile.Read();

    // The route prefix the Functions host puts before every HTTP function's route (host.json, extensions.http.routePrefix).
    private static readonly string RoutePrefix = ReadShippedHostJson().RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString()!;

    [Fact]
    public void HttpFunctions_ComparedWithStandaloneRoutes_SameSetBothWays()
    {
        // Arrange
        var standalone = StandaloneRouteTable.Read();
        var functions = Metadata.Functions.Where(f => f.Trigger.Type == "httpTrigger")
            .SelectMany(f => f.Trigger.Methods.Select(m => new StandaloneRoute(m, RoutePrefix + "/" + f.Trigger.Route, f.Trigger.AuthLevel != "Anonymous")))
            .ToList();

        // Assert: a route of src/Api missing from the Functions host, or one the host has that src/Api does not, fails.
        Assert.NotEmpty(standalone);
        Assert.Empty(standalone.Except(functions));
        Assert.Empty(functions.Except(standalone));
        Assert.Equal(standalone.Count, functions.Count);
    }

    [Fact]
    public void HttpFunctions_ComparedWithTheRouteTable_SameNamesMethodsRoutesAndKeysBothWays()
    {
        // Arrange
        var declared = Api.ApiRoutes.All.Select(r => (r.Name, Method: r.Method.ToLowerInvariant(), Route: r.Template, r.KeyRequired)).ToList();

        // Act
        var functions = Metadata.Functions.Where(f => f.Trigger.Type == "httpTrigger")
            .SelectMany(f => f.Trigger.Methods.Select(m => (f.Name, Method: m.ToLowerInvariant(), Route: f.Trigger.Route ?? string.Empty, KeyRequired: f.Trigger.AuthLevel != "Anonymous")))
            .ToList();

        // Assert: a trigger with another name, method, route or key than the table declares fails, either way.
        Assert.Empty(declared.Except(functions));
        Assert.Empty(functions.Except(declared));
        Assert.Equal(declared.Count, functions.Count);
    }

    [Fact]
    public void HttpFunctions_AuthLevels_FunctionKeysExceptAnonymousHealthSchemaAndDashboard()
    {
        // Act
        var http = Metadata.Functions.Where(f => f.Trigger.Type == "httpTrigger").ToList();

        // Assert: the keyed routes use function keys (not admin/system keys); health and the batch schema
        // (no data; editors fetch a $schema URL without a key) are anonymous.
        Assert.Equal("Anonymous", Metadata.Single("Health").Trigger.AuthLevel);
        Assert.Equal("health", Metadata.Single("Health").Trigger.Route);
        Assert.Equal("Anonymous", Metadata.Single("BatchSchema").Trigger.AuthLevel);
        Assert.Equal("schema/batch.json", Metadata.Single("BatchSchema").Trigger.Route);
        Assert.Equal("Anonymous", Metadata.Single("Dashboard").Trigger.AuthLevel);
        Assert.Equal("ui/{*asset}", Metadata.Single("Dashboard").Trigger.Route);
        Assert.All(http.Where(f => f.Name is not ("Health" or "BatchSchema" or "Dashboard")), f => Assert.Equal("Function", f.Trigger.AuthLevel));
    }

    [Fact]
    public void HttpFunctions_Bindings_ReturnHttpAndBindTheDurableClientWhenTheyUseTheBatchService()
    {
        var http = Metadata.Functions.Where(f => f.Trigger.Type == "httpTrigger").ToList();

        Assert.All(http, f => Assert.Single(f.Bindings, b => b is { Name: "$return", Type: "http", Direction: "Out" }));
        // Health, the OpenAPI document, the batch schema and the dashboard's files touch no batch; every other route goes through the batch service.
        Assert.All(http.Where(f => f.Name is not ("Health" or "OpenApi" or "BatchSchema" or "Dashboard")), f => Assert.Single(f.Bindings, b => b.Type == "durableClient"));
    }

    [Fact]
    public void QueueFunction_Trigger_ListensOnTheSubmissionQueueWithTheDurableClient()
    {
        // Act
        var queue = Assert.Single(Metadata.Functions, f => f.Trigger.Type == "queueTrigger");

        // Assert
        Assert.Equal("SubmitQueuedBatch", queue.Name);
        Assert.Equal(SubmissionQueues.Name, queue.Trigger.QueueName);
        Assert.Single(queue.Bindings, b => b.Type == "durableClient");
    }

    [Fact]
    public void QueueFunction_ShippedHostJson_PoisonsAfterTheProductsDequeueLimit()
    {
        // The host.json the build ships beside functions.metadata (the repository copy is checked in Api.Tests):
        // the host poisons a message after maxDequeueCount failed deliveries.
        using var host = ReadShippedHostJson();
        var queues = host.RootElement.GetProperty("extensions").GetProperty("queues");

        Assert.Equal(SubmissionQueues.MaxDequeueCount, queues.GetProperty("maxDequeueCount").GetInt32());
        Assert.Equal("api", RoutePrefix);
    }

    [Theory]
    [InlineData("OrphanReaper", "0 */5 * * * *")]
    [InlineData("Retention", "0 17 * * * *")]
    [InlineData("Repair", "0 2-59/5 * * * *")]
    public void TimerFunctions_Schedule_IsTheDocumentedNcrontab(string name, string schedule)
    {
        // Act
        var timer = Metadata.Single(name);

        // Assert: every five minutes, hourly at minute 17 (DESIGN.md sections 5 and 11), and the repair every five
        // minutes off the reaper's beat; six NCRONTAB fields.
        Assert.Equal("timerTrigger", timer.Trigger.Type);
        Assert.Equal(schedule, timer.Trigger.Schedule);
        Assert.Equal(6, timer.Trigger.Schedule!.Split(' ').Length);
        Assert.Single(timer.Bindings, b => b.Type == "durableClient");
    }

    [Fact]
    public void TimerFunctions_All_AreTheReaperRetentionAndRepair()
    {
        Assert.Equal(["OrphanReaper", "Repair", "Retention"], Metadata.Functions.Where(f => f.Trigger.Type == "timerTrigger").Select(f => f.Name).Order());
    }

    [Fact]
    public void OrchestratorFunctions_ComparedWithCatalog_OneOrchestrationTriggerPerOrchestrator()
    {
        var catalog = WorkflowCatalog.Orchestrators.Select(o => o.Name.Name).Order().ToList();
        var functions = Metadata.Functions.Where(f => f.Trigger.Type == "orchestrationTrigger").Select(f => f.Name).Order().ToList();

        Assert.NotEmpty(catalog);
        Assert.Equal(catalog, functions);
    }

    [Fact]
    public void ActivityFunctions_ComparedWithCatalog_OneActivityTriggerPerActivity()
    {
        var catalog = WorkflowCatalog.Activities.Select(a => a.Name.Name).Order().ToList();
        var functions = Metadata.Functions.Where(f => f.Trigger.Type == "activityTrigger").Select(f => f.Name).Order().ToList();

        Assert.NotEmpty(catalog);
        Assert.Equal(catalog, functions);
    }

    [Fact]
    public void ActivityFunctions_Bindings_DurableClientOnlyForThePurgeStepsThatTakeIt()
    {
        // The history purge and the purge housekeeping take the durable client (the isolated worker has it per
        // invocation only, through the binding); no other activity touches the task hub.
        var activities = Metadata.Functions.Where(f => f.Trigger.Type == "activityTrigger").ToList();
        var withClient = activities.Where(f => f.Bindings.Any(b => b is { Type: "durableClient", Direction: "In" })).Select(f => f.Name).Order().ToList();

        Assert.Equal([nameof(Workflows.Purge.PurgeBatchHistory), nameof(Workflows.Purge.PurgeFinishedPurges)], withClient);
        Assert.All(activities, f => Assert.Equal(withClient.Contains(f.Name) ? 2 : 1, f.Bindings.Count(b => b.Direction == "In")));
    }

    [Fact]
    public void ActivityFunctions_ParameterTypes_AreTheCatalogActivitiesInputAndOutputTypes()
    {
        // The activity trigger binds the input by the parameter's type and the result by the return type, so they
        // must be the ones the orchestrators send and expect (the catalog's adapters).
        var types = typeof(ActivityFunctions).Assembly;
        foreach (var (name, create) in WorkflowCatalog.Activities)
        {
            var activity = create(EmptyServices.Instance);
            var method = EntryPoint(types, Metadata.Single(name.Name).EntryPoint);
            Assert.Equal(activity.InputType, method.GetParameters()[0].ParameterType);
            Assert.Equal(typeof(Task<>).MakeGenericType(activity.OutputType), method.ReturnType);
        }
    }

    [Fact]
    public void OrchestratorFunctions_ParameterTypes_AreTheCatalogOrchestratorsInputAndOutputTypes()
    {
        var types = typeof(OrchestratorFunctions).Assembly;
        foreach (var (name, create) in WorkflowCatalog.Orchestrators)
        {
            var orchestrator = create(EmptyServices.Instance);
            var method = EntryPoint(types, Metadata.Single(name.Name).EntryPoint);
            Assert.Equal(orchestrator.InputType, method.GetParameters()[1].ParameterType);
            Assert.Equal(typeof(Task<>).MakeGenericType(orchestrator.OutputType), method.ReturnType);
        }
    }

    [Fact]
    public void AllFunctions_Inventory_HttpRoutesQueueTimersOrchestratorsAndActivitiesOnly()
    {
        // Every function is one of the kinds above: a function of another trigger type (or a second queue trigger)
        // would be a surface this suite does not check.
        var kinds = Metadata.Functions.GroupBy(f => f.Trigger.Type).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(["activityTrigger", "httpTrigger", "orchestrationTrigger", "queueTrigger", "timerTrigger"], kinds.Keys.Order());
        Assert.Equal(StandaloneRouteTable.Read().Count, kinds["httpTrigger"]);
        Assert.Equal(Metadata.Functions.Count, Metadata.Functions.Select(f => f.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void AllFunctions_ComparedWithAssembly_EveryEntryPointIsAFunctionMethodAndEveryFunctionMethodIsListed()
    {
        // Ties the file to the code it was generated from, so a stale or foreign functions.metadata fails here.
        var assembly = typeof(HttpFunctions).Assembly;
        var declared = assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<FunctionAttribute>()))
            .Where(m => m.Attribute is not null)
            .ToDictionary(m => m.Attribute!.Name, m => $"{m.Method.DeclaringType!.FullName}.{m.Method.Name}");

        Assert.All(Metadata.Functions, f => Assert.Equal(assembly.GetName().Name + ".dll", f.ScriptFile));
        Assert.Equal(declared.OrderBy(d => d.Key), Metadata.Functions.Select(f => KeyValuePair.Create(f.Name, f.EntryPoint)).OrderBy(d => d.Key));
    }

    private static MethodInfo EntryPoint(Assembly assembly, string entryPoint)
    {
        var dot = entryPoint.LastIndexOf('.');
        var type = assembly.GetType(entryPoint[..dot], throwOnError: true)!;
        return Assert.Single(type.GetMethods(), m => m.Name == entryPoint[(dot + 1)..]);
    }

    private static JsonDocument ReadShippedHostJson() => JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json")));

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
