using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;
using MinDataRate = Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate;

namespace Orchestration.Api;

/// <summary>Reads request bodies under limits of our own (the host's size limit is lifted for the request).</summary>
/// <remarks>An over-limit body is read and discarded before the 413 is written: a client that writes its whole
/// body before reading (urllib, many SDKs) would otherwise see the connection reset under it and never read
/// the answer. The drain is bounded in bytes (<see cref="ApiOptions.MaxDrainBytes"/>) and time
/// (<see cref="ApiOptions.DrainSeconds"/>), and every body read has a minimum data rate and a time limit, so a
/// slow sender cannot hold a connection.</remarks>
internal static class Body
{
    private const int ChunkBytes = 81920;

    /// <summary>Lifts the host's size limit (the handlers count bytes themselves) and sets the minimum data rate.</summary>
    public static void Prepare(HttpRequest request, ApiOptions options)
    {
        var features = request.HttpContext.Features;
        if (features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }

        if (features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            try
            {
                rate.MinDataRate = new MinDataRate(options.MinBodyBytesPerSecond, TimeSpan.FromSeconds(options.MinBodyRateGraceSeconds));
            }
            catch (NotSupportedException)
            {
                // HTTP/2 and HTTP/3 take the server-wide rate only (the serve host sets it from the same options).
            }
        }
    }

    /// <summary>The whole body, or the problem to answer (413 over <paramref name="limit"/>, 408 too slow).</summary>
    public static async Task<(byte[]? Body, IResult? Problem)> ReadAsync(HttpRequest request, long limit, ApiOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        Prepare(request, options);
        using var buffer = new MemoryStream();
        var outcome = request.ContentLength > limit
            ? BodyOutcome.TooLarge
            : await CopyAsync(request, buffer, limit, TimeSpan.FromSeconds(options.MaxBodySeconds), cancellationToken).ConfigureAwait(false);
        if (outcome == BodyOutcome.Complete)
        {
            return (buffer.ToArray(), null);
        }

        return (null, await RefuseAsync(request, outcome, limit, buffer.Length, options, logger, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Copies at most <paramref name="limit"/> bytes within <paramref name="timeLimit"/>.</summary>
    public static async Task<BodyOutcome> CopyAsync(HttpRequest request, Stream target, long limit, TimeSpan timeLimit, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(timeLimit);
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        long total = 0;
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk.AsMemory(0, ChunkBytes), timeout.Token).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > limit)
                {
                    return BodyOutcome.TooLarge;
                }

                await target.WriteAsync(chunk.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return BodyOutcome.TooSlow;
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return BodyOutcome.TooLarge;
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            // Kestrel's minimum data rate: it closes the connection after the answer.
            return BodyOutcome.TooSlow;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return BodyOutcome.Complete;
    }

    /// <summary>The answer to a body that was not read whole: a 413 after draining what the client still sends
    /// (within the bounds), or a 408 (the connection is then closed).</summary>
    public static async Task<IResult> RefuseAsync(HttpRequest request, BodyOutcome outcome, long limit, long read, ApiOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        if (outcome == BodyOutcome.TooSlow)
        {
            Logs.BodyTooSlow(logger);
            request.HttpContext.Response.Headers.Connection = "close";
            return Problems.TooSlow();
        }

        var drained = await DrainAsync(request, read, options, cancellationToken).ConfigureAwait(false);
        Logs.BodyTooLarge(logger, limit);
        if (!drained)
        {
            request.HttpContext.Response.Headers.Connection = "close";
        }

        return Problems.TooLarge(limit);
    }

    /// <summary>Reads and discards the rest of the body, at most <see cref="ApiOptions.MaxDrainBytes"/> more bytes
    /// within <see cref="ApiOptions.DrainSeconds"/>; true when the body was read to its end.</summary>
    private static async Task<bool> DrainAsync(HttpRequest request, long read, ApiOptions options, CancellationToken cancellationToken)
    {
        // A client waiting for 100-continue has not sent the body: reading it would invite the upload.
        if (request.Headers.Expect.ToString().Contains("100-continue", StringComparison.OrdinalIgnoreCase)
            || request.ContentLength - read > options.MaxDrainBytes)
        {
            return false;
        }

        try
        {
            // The same bounded read as a body's, into nothing: complete only if the body ended within the bounds.
            var outcome = await CopyAsync(request, Stream.Null, options.MaxDrainBytes, TimeSpan.FromSeconds(options.DrainSeconds), cancellationToken).ConfigureAwait(false);
            return outcome == BodyOutcome.Complete;
        }
        catch (BadHttpRequestException)
        {
            return false;
        }
    }
}
