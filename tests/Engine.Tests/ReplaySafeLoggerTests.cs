using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Orchestration.Engine.Tests;

public sealed class ReplaySafeLoggerTests
{
    [Fact]
    public async Task CreateReplaySafeLogger_WritesEachEntryOnceAlthoughEveryEpisodeReplays()
    {
        var provider = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(provider).SetMinimumLevel(LogLevel.Information));
        var options = new EmbeddedEngineOptions { UseTemporaryFile = true, ReplayEveryEpisode = true };
        options
            .AddActivityFunc<int, int>("Inc", (_, x) => Task.FromResult(x + 1))
            .AddOrchestratorFunc<int, int>("Logged", async (ctx, x) =>
            {
                var logger = ctx.CreateReplaySafeLogger("Workflow");
                for (var i = 0; i < 3; i++)
                {
                    logger.LogInformation("step {Step}", i);
                    x = await ctx.CallActivityAsync<int>("Inc", x);
                }

                return x;
            });
        await using var engine = new DurableEngine(options, loggerFactory: factory);
        await engine.StartAsync(CancellationToken.None);

        var id = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Logged", 0);
        await engine.Client.WaitForInstanceCompletionAsync(id).WaitAsync(TestEngine.Timeout);

        Assert.Equal(["step 0", "step 1", "step 2"], provider.Messages.Where(m => m.StartsWith("step", StringComparison.Ordinal)));
    }

    private sealed class ListLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new ListLogger(this);

        public void Dispose()
        {
        }

        private sealed class ListLogger(ListLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => owner.Messages.Enqueue(formatter(state, exception));
        }
    }
}
