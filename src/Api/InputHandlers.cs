using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestration.Domain;
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

        var settings = options.Value;
        var limit = settings.MaxBundleBytes;
        Body.Prepare(request, settings);
        if (request.ContentLength > limit)
        {
            return await Body.RefuseAsync(request, BodyOutcome.TooLarge, limit, 0, settings, logger, cancellationToken).ConfigureAwait(false);
        }

        var path = Path.GetTempFileName();
        try
        {
            BodyOutcome outcome;
            long written;
            await using (var file = File.Create(path))
            {
                outcome = await Body.CopyAsync(request, file, limit, TimeSpan.FromSeconds(settings.MaxBundleSeconds), cancellationToken).ConfigureAwait(false);
                written = file.Length;
            }

            if (outcome != BodyOutcome.Complete)
            {
                // The partial file is deleted first: a drain of up to MaxDrainBytes must not keep it on disk.
                File.Delete(path);
                return await Body.RefuseAsync(request, outcome, limit, written, settings, logger, cancellationToken).ConfigureAwait(false);
            }

            var (result, reason) = await service.PutBundleAsync(sha256, path, cancellationToken).ConfigureAwait(false);
            if (result != BatchActionResult.Accepted)
            {
                Logs.BundleRejected(logger, sha256, reason ?? "invalid");
                return Problems.BadRequest("invalid-bundle", "The bundle is invalid.", reason ?? "The bundle is invalid.");
            }

            Logs.BundleStored(logger, sha256);
            // Written with the API's options (Results.Created would take the host's), with Created's Location.
            request.HttpContext.Response.Headers.Location = $"{request.PathBase}/api/inputs/{sha256}";
            return Results.Json(new BundleStored(sha256), ApiJson.Options.Info<BundleStored>(), statusCode: StatusCodes.Status201Created);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
