using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Orchestration.Domain.Schema;
using Orchestration.Workflows.Service;

namespace Orchestration.Api;

/// <summary>Serves the batch document's JSON Schema with this host's limits and defaults.</summary>
/// <remarks>Anonymous, like <c>/api/health</c>: it holds no data, and editors fetch a <c>$schema</c> URL without a key.</remarks>
internal static class SchemaHandlers
{
    public const string MediaType = "application/schema+json";

    public static IResult Batch(IOptions<BatchServiceOptions> options)
    {
        var settings = options.Value;
        return Results.Text(BatchSchema.ToText(BatchSchema.Create(settings.Limits, settings.Defaults)), MediaType, Encoding.UTF8);
    }
}
