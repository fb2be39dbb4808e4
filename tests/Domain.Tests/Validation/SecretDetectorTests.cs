using Orchestration.Domain.Validation;

namespace Orchestration.Domain.Tests.Validation;

public sealed class SecretDetectorTests
{
    private static readonly string[] Allowed = ["MAX_THINKING_TOKENS"];

    [Theory]
    [InlineData("API_KEY")]
    [InlineData("GITHUB_TOKEN")]
    [InlineData("db_password")]
    [InlineData("CLIENT_SECRET")]
    [InlineData("GOOGLE_APPLICATION_CREDENTIALS")]
    [InlineData("SSH_PRIVATE_KEY")]
    public void IsSecretLookingName_SecretPart_True(string name) =>
        Assert.True(SecretDetector.IsSecretLookingName(name, Allowed));

    [Theory]
    [InlineData("MAX_THINKING_TOKENS")]
    [InlineData("max_thinking_tokens")]
    [InlineData("LOG_LEVEL")]
    [InlineData("MONKEY_MODE")]
    [InlineData("TOKENIZER")]
    public void IsSecretLookingName_PlainSetting_False(string name) =>
        Assert.False(SecretDetector.IsSecretLookingName(name, Allowed));

    [Theory]
    [InlineData("sk-ant-api03-AAAA")]
    [InlineData("token ghp_0123456789abcdefghijABCDEFGHIJ0123")]
    [InlineData("github_pat_11ABCDEFG")]
    [InlineData("AKIAIOSFODNN7EXAMPLE")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMIIE")]
    [InlineData("-----BEGIN PRIVATE KEY-----")]
    public void IsSecretLookingValue_Credential_True(string value) =>
        Assert.True(SecretDetector.IsSecretLookingValue(value));

    [Theory]
    [InlineData("info")]
    [InlineData("https://example.com/path")]
    [InlineData("ask-anthropic")]
    [InlineData("-----BEGIN CERTIFICATE-----")]
    public void IsSecretLookingValue_Ordinary_False(string value) =>
        Assert.False(SecretDetector.IsSecretLookingValue(value));
}
