using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Orchestration.Api;

/// <summary>Reads request bodies under a limit of our own (the host's limit is lifted for the request).</summary>
internal static class Body
{
    public static void LiftHostLimit(HttpRequest request, long limit)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit + 1;
        }
    }

    /// <summary>The whole body, or null when it is longer than <paramref name="limit"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        LiftHostLimit(request, limit);
        using var buffer = new MemoryStream();
        if (!await CopyAsync(request.Body, buffer, limit, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return buffer.ToArray();
    }

    /// <summary>Copies at most <paramref name="limit"/> bytes; false when there were more.</summary>
    public static async Task<bool> CopyAsync(Stream source, Stream target, long limit, CancellationToken cancellationToken)
    {
        var chunk = new byte[81920];
        long total = 0;
        try
        {
            int read;
            while ((read = await source.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > limit)
                {
                    return false;
                }

                await target.WriteAsync(chunk.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return false;
        }

        return true;
    }
}
