using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Orchestration.Fakes;

/// <summary>
/// Loopback fake of Google's token endpoints: OAuth <c>/token</c> (service-account JWT bearer grant and
/// STS token exchange) and IAM credentials <c>generateAccessToken</c> (impersonation).
/// </summary>
/// <remarks>
/// Also plays the Azure App Service managed identity endpoint. Endpoint names: <c>token.jwt-bearer</c>,
/// <c>token.exchange</c>, <c>iam.generateAccessToken</c>, <c>azure.managedIdentity</c>.
/// </remarks>
public sealed class FakeGoogleAuthServer : LoopbackServer
{
    private int _issued;

    /// <summary>Creates the fake (call <see cref="LoopbackServer.StartAsync"/>).</summary>
    public FakeGoogleAuthServer()
        : base(null)
    {
    }

    /// <summary>Subject token of the last STS exchange.</summary>
    public string? LastSubjectToken { get; private set; }

    /// <summary>Audience of the last STS exchange.</summary>
    public string? LastAudience { get; private set; }

    /// <summary>Bearer token presented to the last impersonation call.</summary>
    public string? LastImpersonationBearer { get; private set; }

    /// <summary>Service account of the last impersonation call.</summary>
    public string? LastImpersonatedAccount { get; private set; }

    /// <summary>The <c>X-IDENTITY-HEADER</c> value the fake App Service identity endpoint (<c>GET /msi/token</c>) wants.</summary>
    public string ManagedIdentitySecret { get; set; } = "identity-header-secret";

    /// <summary>URL of the fake App Service managed identity endpoint.</summary>
    public string ManagedIdentityEndpoint => $"{BaseUrl.ToString().TrimEnd('/')}/msi/token";

    /// <summary>URL of the token endpoint.</summary>
    public string TokenUrl => $"{BaseUrl.ToString().TrimEnd('/')}/token";

    /// <inheritdoc />
    protected override async Task HandleAsync(HttpContext context, IReadOnlyList<string> path, IReadOnlyDictionary<string, string> query)
    {
        if (context.Request.Method == "POST" && path is ["token"])
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var grant = form["grant_type"].ToString();
            if (grant == "urn:ietf:params:oauth:grant-type:token-exchange")
            {
                if (await EnterAsync(context, "token.exchange"))
                {
                    LastSubjectToken = form["subject_token"].ToString();
                    LastAudience = form["audience"].ToString();
                    await JsonAsync(context, new JsonObject
                    {
                        ["access_token"] = $"federated-token-{Interlocked.Increment(ref _issued)}",
                        ["issued_token_type"] = "urn:ietf:params:oauth:token-type:access_token",
                        ["token_type"] = "Bearer",
                        ["expires_in"] = 3600,
                    });
                }

                return;
            }

            if (await EnterAsync(context, "token.jwt-bearer"))
            {
                await JsonAsync(context, new JsonObject
                {
                    ["access_token"] = $"sa-token-{Interlocked.Increment(ref _issued)}",
                    ["token_type"] = "Bearer",
                    ["expires_in"] = 3600,
                });
            }

            return;
        }

        if (context.Request.Method == "POST" && path is ["v1", "projects", "-", "serviceAccounts", var account]
            && account.EndsWith(":generateAccessToken", StringComparison.Ordinal))
        {
            if (await EnterAsync(context, "iam.generateAccessToken"))
            {
                LastImpersonationBearer = context.Request.Headers.Authorization.ToString().Replace("Bearer ", string.Empty, StringComparison.Ordinal);
                LastImpersonatedAccount = account[..^":generateAccessToken".Length];
                await JsonAsync(context, new JsonObject
                {
                    ["accessToken"] = $"impersonated-token-{Interlocked.Increment(ref _issued)}",
                    ["expireTime"] = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                });
            }

            return;
        }

        if (context.Request.Method == "GET" && path is ["msi", "token"])
        {
            if (await EnterAsync(context, "azure.managedIdentity"))
            {
                if (context.Request.Headers["X-IDENTITY-HEADER"].ToString() != ManagedIdentitySecret)
                {
                    await ErrorAsync(context, 400, "INVALID_ARGUMENT", "Missing or wrong X-IDENTITY-HEADER.");
                    return;
                }

                await JsonAsync(context, new JsonObject
                {
                    ["access_token"] = $"azure-jwt-for-{query.GetValueOrDefault("resource")}",
                    ["token_type"] = "Bearer",
                    ["resource"] = query.GetValueOrDefault("resource"),
                });
            }

            return;
        }

        await ErrorAsync(context, 404, "NOT_FOUND", "No such endpoint.");
    }
}
