using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestration.Activities.CloudRun;

namespace Orchestration.Activities.Tests.CloudRun;

public sealed class SecretReferenceTests
{
    [Theory]
    [InlineData("anthropic-api-key:latest", "anthropic-api-key", "latest")]
    [InlineData("anthropic_key:3", "anthropic_key", "3")]
    [InlineData("key:prod-alias", "key", "prod-alias")]
    [InlineData("projects/my-project/secrets/anthropic-api-key:7", "projects/my-project/secrets/anthropic-api-key", "7")]
    [InlineData("projects/123456789012/secrets/anthropic-api-key:latest", "projects/123456789012/secrets/anthropic-api-key", "latest")]
    [InlineData("projects/my-project/secrets/anthropic-api-key/versions/latest", "projects/my-project/secrets/anthropic-api-key", "latest")]
    [InlineData("projects/my-project/secrets/anthropic-api-key/versions/12", "projects/my-project/secrets/anthropic-api-key", "12")]
    public void TryParse_DocumentedForm_SecretAndVersionApart(string reference, string secret, string version)
    {
        Assert.True(SecretReference.TryParse(reference, out var parsed));

        Assert.Equal(new CloudRunSecretRef(secret, version), parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("anthropic-api-key")]
    [InlineData("anthropic-api-key:")]
    [InlineData(":latest")]
    [InlineData("a:b:c")]
    [InlineData("key/versions/latest")]
    [InlineData("projects/my-project/secrets/anthropic-api-key")]
    [InlineData("projects/my-project/secrets/anthropic-api-key/versions/")]
    [InlineData("projects/my-project/secrets/anthropic-api-key/versions/latest:1")]
    [InlineData("projects/My_Project/secrets/key:1")]
    [InlineData("projects//secrets/key:1")]
    [InlineData("secrets/key:1")]
    [InlineData("key:lat est")]
    [InlineData("key:1\n")]
    [InlineData("sk-ant-api03-abcdef:latest ")]
    public void TryParse_AnythingElse_Refused(string reference)
    {
        Assert.False(SecretReference.TryParse(reference, out var parsed));
        Assert.Null(parsed);
        Assert.Throws<FormatException>(() => SecretReference.Parse(reference));
    }

    [Theory]
    [InlineData("ClaudeSecrets", "ANTHROPIC_API_KEY", "projects/p/secrets/anthropic-api-key")]
    [InlineData("CommandSecrets", "GITHUB_TOKEN", "github-token")]
    [InlineData("CommandSecrets", "GITHUB-TOKEN", "github-token:1")]
    public void Validate_BadReferenceAtStart_FailsNamingTheKey(string property, string env, string reference)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"{RunSettings.Section}:{property}:{env}"] = reference })
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddOptions<RunSettings>().BindConfiguration(RunSettings.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<RunSettings>, RunSettingsValidator>();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains($"{RunSettings.Section}:{property}:{env}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DocumentedForms_Pass()
    {
        var settings = new RunSettings
        {
            ClaudeSecrets = new() { ["ANTHROPIC_API_KEY"] = "projects/p-1234/secrets/anthropic-api-key/versions/latest" },
            CommandSecrets = new() { ["GITHUB_TOKEN"] = "github-token:2", ["GH_TOKEN"] = "projects/p-1234/secrets/gh:latest" },
        };

        var result = new RunSettingsValidator().Validate(null, settings);

        Assert.True(result.Succeeded, result.FailureMessage);
    }
}
