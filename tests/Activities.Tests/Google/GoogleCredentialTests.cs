using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestration.Adapters.Google;
using Orchestration.Fakes;

namespace Orchestration.Activities.Tests.Google;

public sealed class GoogleCredentialTests
{
    private const string Audience = "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/azure/providers/functions";

    [Fact]
    public async Task ServiceAccountJson_TokenFetchedOnceThenCached()
    {
        await using var auth = new FakeGoogleAuthServer();
        await auth.StartAsync();
        using var rsa = RSA.Create(2048);
        var json = ServiceAccountJson(rsa, auth.TokenUrl);
        using var source = new GoogleCredentialTokenSource(Options.Create(new GoogleCredentialOptions
        {
            Mode = GoogleCredentialMode.ServiceAccountJson,
            ServiceAccountJson = json,
        }));

        var first = await source.GetAccessTokenAsync();
        var second = await source.GetAccessTokenAsync();

        Assert.Equal("sa-token-1", first);
        Assert.Equal(first, second);
        Assert.Equal(1, auth.Calls("token.jwt-bearer"));
    }

    [Fact]
    public async Task ApplicationDefault_FromGoogleApplicationCredentialsFile_UsesIt()
    {
        await using var auth = new FakeGoogleAuthServer();
        await auth.StartAsync();
        using var rsa = RSA.Create(2048);
        var file = Path.Combine(Path.GetTempPath(), $"adc-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, ServiceAccountJson(rsa, auth.TokenUrl));
        var previous = Environment.GetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS");
        Environment.SetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS", file);
        try
        {
            using var source = new GoogleCredentialTokenSource(Options.Create(new GoogleCredentialOptions { Mode = GoogleCredentialMode.ApplicationDefault }));

            var token = await source.GetAccessTokenAsync();

            Assert.StartsWith("sa-token-", token, StringComparison.Ordinal);
            Assert.Equal(1, auth.Calls("token.jwt-bearer"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS", previous);
            File.Delete(file);
        }
    }

    [Fact]
    public async Task WorkloadIdentityFederation_FromAzureManagedIdentity_ExchangesAndImpersonates()
    {
        await using var auth = new FakeGoogleAuthServer();
        await auth.StartAsync();
        var services = new ServiceCollection();
        services.AddHttpClient();
        await using var provider = services.BuildServiceProvider();
        var azure = new AppServiceManagedIdentityTokenSource(
            provider.GetRequiredService<IHttpClientFactory>(), auth.ManagedIdentityEndpoint, auth.ManagedIdentitySecret);
        using var source = new GoogleCredentialTokenSource(
            Options.Create(new GoogleCredentialOptions
            {
                Mode = GoogleCredentialMode.WorkloadIdentityFederation,
                WorkloadIdentityAudience = Audience,
                AzureResource = "api://orchestration-google",
                ServiceAccountEmail = "orchestrator@test-project.iam.gserviceaccount.com",
                TokenUrl = auth.TokenUrl,
                IamCredentialsUrl = auth.BaseUrl.ToString(),
            }),
            azure);

        var token = await source.GetAccessTokenAsync();
        var again = await source.GetAccessTokenAsync();

        Assert.StartsWith("impersonated-token-", token, StringComparison.Ordinal);
        Assert.Equal(token, again);
        Assert.Equal("azure-jwt-for-api://orchestration-google", auth.LastSubjectToken);
        Assert.Equal(Audience, auth.LastAudience);
        Assert.StartsWith("federated-token-", auth.LastImpersonationBearer, StringComparison.Ordinal);
        Assert.Equal("orchestrator@test-project.iam.gserviceaccount.com", auth.LastImpersonatedAccount);
        Assert.Equal(1, auth.Calls("token.exchange"));
        Assert.Equal(1, auth.Calls("azure.managedIdentity"));
    }

    [Fact]
    public async Task ManagedIdentity_WrongSecret_IsAnError()
    {
        await using var auth = new FakeGoogleAuthServer();
        await auth.StartAsync();
        var services = new ServiceCollection();
        services.AddHttpClient();
        await using var provider = services.BuildServiceProvider();
        var azure = new AppServiceManagedIdentityTokenSource(provider.GetRequiredService<IHttpClientFactory>(), auth.ManagedIdentityEndpoint, "wrong");

        var error = await Assert.ThrowsAsync<CloudServiceException>(() => azure.GetTokenAsync("api://x"));

        Assert.Equal(400, error.Status);
    }

    [Fact]
    public async Task AddAppServiceManagedIdentity_FeedsFederationThroughDependencyInjection()
    {
        await using var auth = new FakeGoogleAuthServer();
        await auth.StartAsync();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Google:Credentials:Mode"] = "WorkloadIdentityFederation",
            ["Google:Credentials:WorkloadIdentityAudience"] = Audience,
            ["Google:Credentials:AzureResource"] = "api://orchestration-google",
            ["Google:Credentials:TokenUrl"] = auth.TokenUrl,
        }).Build());
        services.AddLogging();
        services.AddAppServiceManagedIdentity();
        services.AddGoogleCredentials();
        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", auth.ManagedIdentityEndpoint);
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", auth.ManagedIdentitySecret);
        try
        {
            await using var provider = services.BuildServiceProvider();
            provider.GetRequiredService<IStartupValidator>().Validate();

            var token = await provider.GetRequiredService<IGoogleAccessTokenSource>().GetAccessTokenAsync();

            Assert.StartsWith("federated-token-", token, StringComparison.Ordinal);
            Assert.Equal("azure-jwt-for-api://orchestration-google", auth.LastSubjectToken);
            Assert.Equal(0, auth.Calls("iam.generateAccessToken"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", null);
            Environment.SetEnvironmentVariable("IDENTITY_HEADER", null);
        }
    }

    [Fact]
    public async Task TokenServiceRefuses_AdapterCallFailsUnauthenticated_WithoutRetrying()
    {
        await using var auth = new FakeGoogleAuthServer { RequiredBearerToken = "nobody-has-this" };
        await auth.StartAsync();
        using var rsa = RSA.Create(2048);
        var json = ServiceAccountJson(rsa, auth.TokenUrl);
        await using var host = await GoogleTestHost.StartAsync(configure: s => s.AddSingleton<IGoogleAccessTokenSource>(
            new GoogleCredentialTokenSource(Options.Create(new GoogleCredentialOptions { Mode = GoogleCredentialMode.ServiceAccountJson, ServiceAccountJson = json }))));

        var error = await Assert.ThrowsAsync<CloudServiceException>(() => host.Store.GetMetadataAsync("a"));

        Assert.Equal("UNAUTHENTICATED", error.Code);
        Assert.Equal(0, host.Gcs.TotalCalls);
        Assert.Equal(1, auth.Calls("unauthenticated"));
    }

    [Fact]
    public void Options_ModeWithoutItsSetting_FailsAtStartNamingTheKey()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Google:Credentials:Mode"] = "WorkloadIdentityFederation",
            ["Google:Credentials:AzureResource"] = "api://x",
        }).Build());
        services.AddGoogleCredentials();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Google:Credentials:WorkloadIdentityAudience", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoneMode_SendsNoToken()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Google:Credentials:Mode"] = "None",
        }).Build());
        services.AddGoogleCredentials();
        await using var provider = services.BuildServiceProvider();

        var source = provider.GetRequiredService<IGoogleAccessTokenSource>();

        Assert.IsType<NoAccessTokenSource>(source);
        Assert.Null(await source.GetAccessTokenAsync());
    }

    private static string ServiceAccountJson(RSA key, string tokenUrl) => JsonSerializer.Serialize(new Dictionary<string, string>
    {
        ["type"] = "service_account",
        ["project_id"] = "test-project",
        ["private_key_id"] = "k1",
        ["private_key"] = key.ExportPkcs8PrivateKeyPem(),
        ["client_email"] = "orchestrator@test-project.iam.gserviceaccount.com",
        ["client_id"] = "1",
        ["token_uri"] = tokenUrl,
    });
}
