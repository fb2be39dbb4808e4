using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestration.Workflows.Service;

namespace Orchestration.Api;

/// <summary>Content-addressed input bundles.</summary>
internal static class InputHandlers
{
    public static async Task<IResult> PutAsync(string sha256, HttpRequest request, BatchService service, IOptions<ApiOptions> options, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(Logs.Category);
        if (sha256.Length != 64 || !sha256.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            return Problems.Parameter("sha256", "Name the bundle by the SHA-256 of its uncompressed tar: 64 lowercase hex digits.");
        }

        var limit = options.Value.MaxBundleBytes;
        if (request.ContentLength > limit)
        {
            Logs.BodyTooLarge(logger, limit);
            return Problems.TooLarge(limit);
        }

        Body.LiftHostLimit(request, limit);
        var path = Path.GetTempFileName();
        try
        {
            await using (var file = File.Create(path))
            {
                if (!await Body.CopyAsync(request.Body, file, limit, cancellationToken).ConfigureAwait(false))
                {
                    Logs.BodyTooLarge(logger, limit);
                    return Problems.TooLarge(limit);
                }
            }

            var (result, reason) = await service.PutBundleAsync(sha256, path, cancellationToken).ConfigureAwait(false);
            if (result != ActionResult.Accepted)
            {
                Logs.BundleRejected(logger, sha256, reason ?? "invalid");
                return Problems.BadRequest("invalid-bundle", "The bundle is invalid.", reason ?? "The bundle is invalid.");
            }

            Logs.BundleStored(logger, sha256);
            return Results.Created($"{request.PathBase}/api/inputs/{sha256}", new { bundle = sha256 });
        }
        finally
        {
            File.Delete(path);
        }
    }
}
