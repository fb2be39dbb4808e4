using Orchestration.Domain.Validation;

namespace Orchestration.Domain.Tests.Validation;

public sealed class SafeRelativePathTests
{
    [Theory]
    [InlineData("repo")]
    [InlineData("config.json")]
    [InlineData("data/small/set-1")]
    [InlineData("ünïcödé")]
    public void Check_SafeName_Null(string name) => Assert.Null(SafeRelativePath.Check(name));

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("a/../../b")]
    [InlineData("./a")]
    [InlineData("a//b")]
    [InlineData("/abs")]
    [InlineData("~/x")]
    [InlineData("C:\\x")]
    [InlineData("a\\b")]
    [InlineData("a\0b")]
    [InlineData("a\u200Bb")]
    [InlineData("a\u202Eb")]
    [InlineData("nul")]
    [InlineData("-rf")]
    public void Check_UnsafeName_GivesReason(string name) => Assert.NotNull(SafeRelativePath.Check(name));
}
