using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Orchestration.Functions;

// The Azure Functions host (.NET isolated worker, ASP.NET Core integration, Durable Functions).
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddOrchestrationFunctions(builder.Configuration);
builder.Build().Run();
