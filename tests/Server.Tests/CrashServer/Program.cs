using Orchestration.Api;
using Orchestration.Server;
using Orchestration.Server.CrashServer;

// Usage: CrashServer DATA_FOLDER URLS, with CRASH_AT=Step:before|Step:after|Timer (or unset: never crash).
// The same composition as `orchestration serve`; only the activities are wrapped.
var dataFolder = Path.GetFullPath(args[0]);
var crash = CrashPoint.Parse(Environment.GetEnvironmentVariable("CRASH_AT"), Path.Combine(dataFolder, "engine.db"));

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = Environment.CurrentDirectory });
builder.WebHost.UseUrls(args[1]);
builder.Services.AddStandaloneOrchestration(builder.Configuration, dataFolder, crash is null ? null : crash.Decorate);
builder.Services.AddOrchestrationApi();

await using var app = builder.Build();
app.MapOrchestrationApi();
app.Services.GetRequiredService<DataFolder>().Create();
await Console.Out.WriteLineAsync($"crash-server: serving on {args[1]}, CRASH_AT={crash?.ToString() ?? "(none)"}");
await app.RunAsync();
