using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orchestration.Api;

/// <summary>Checks the <c>x-functions-key</c> header against <see cref="ApiOptions.Keys"/>; no keys means no check.</summary>
/// <remarks>Keys are compared as SHA-256 digests with a fixed-time comparison, so neither the length nor the
/// content of a configured key leaks through response timing; every key is compared, matched or not.</remarks>
/// <param name="options">The configured keys.</param>
/// <param name="logger">Logs refusals (never the key sent).</param>
internal sealed class ApiKeyFilter(IOptions<ApiOptions> options, ILogger<ApiKeyFilter> logger) : IEndpointFilter
{
    public const string Header = "x-functions-key";

    private readonly byte[][] _digests = [.. options.Value.Keys.Where(k => k.Length > 0).Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k)))];

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (_digests.Length == 0 || Matches(context.HttpContext.Request.Headers[Header].ToString()))
        {
            return await next(context).ConfigureAwait(false);
        }

        Logs.Unauthorized(logger, context.HttpContext.Request.Path);
        return Problems.Unauthorized();
    }

    private bool Matches(string presented)
    {
        if (presented.Length == 0)
        {
            return false;
        }

        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var match = false;
        foreach (var key in _digests)
        {
            match |= CryptographicOperations.FixedTimeEquals(digest, key);
        }

        return match;
    }
}
