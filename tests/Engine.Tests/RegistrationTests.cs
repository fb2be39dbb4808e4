using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestration.Durable;

namespace Orchestration.Engine.Tests;

public sealed class RegistrationTests
{
    [Fact]
    public async Task AddEmbeddedDurableEngine_FromAssembly_RunsOrchestratorWithInjectedActivity()
    {
        var services = new ServiceCollection();
        services.AddSingleton(new Greeting("Hello"));
        services.AddEmbeddedDurableEngine(o =>
        {
            o.UseTemporaryFile = true;
            o.AddTasksFromAssembly(typeof(GreetOrchestrator).Assembly);
        });
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().Single();
        await hosted.StartAsync(CancellationToken.None);
        var client = provider.GetRequiredService<DurableTaskClient>();

        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(GreetOrchestrator), new GreetInput("world"));
        var result = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true).WaitAsync(TestEngine.Timeout);

        Assert.Same(provider.GetRequiredService<DurableEngine>(), hosted);
        Assert.Equal(new GreetOutput("Hello, world!"), result.ReadOutputAs<GreetOutput>());
    }

    [Fact]
    public async Task AddActivity_FakeUnderRealName_IsCalledInsteadOfTheReal()
    {
        await using var engine = await TestEngine.StartAsync(o => o
            .AddOrchestrator<GreetOrchestrator>()
            .AddActivity(nameof(GreetActivity), _ => new FakeGreet()));

        var result = await engine.RunAsync(nameof(GreetOrchestrator), new GreetInput("test"));

        Assert.Equal(new GreetOutput("fake test"), result.ReadOutputAs<GreetOutput>());
    }

    [Fact]
    public void Register_SameNameTwice_Throws()
    {
        var options = new EmbeddedEngineOptions().AddOrchestrator<GreetOrchestrator>();

        Assert.Throws<ArgumentException>(() => options.AddOrchestrator<GreetOrchestrator>());
    }
}

public sealed record Greeting(string Word);

public sealed record GreetInput(string Name);

public sealed record GreetOutput(string Text);

public sealed class GreetActivity(Greeting greeting) : TaskActivity<GreetInput, GreetOutput>
{
    public override Task<GreetOutput> RunAsync(TaskActivityContext context, GreetInput input)
        => Task.FromResult(new GreetOutput($"{greeting.Word}, {input.Name}!"));
}

internal sealed class FakeGreet : TaskActivity<GreetInput, GreetOutput>
{
    public override Task<GreetOutput> RunAsync(TaskActivityContext context, GreetInput input)
        => Task.FromResult(new GreetOutput("fake " + input.Name));
}

public sealed class GreetOrchestrator : TaskOrchestrator<GreetInput, GreetOutput>
{
    public override Task<GreetOutput> RunAsync(TaskOrchestrationContext context, GreetInput input)
        => context.CallActivityAsync<GreetOutput>(nameof(GreetActivity), input);
}
