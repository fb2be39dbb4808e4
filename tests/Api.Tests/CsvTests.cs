namespace Orchestration.Api.Tests;

public sealed class CsvTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("", "")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("cr\rhere", "\"cr\rhere\"")]
    public void Record_SpecialCharacters_QuotedPerRfc4180(string field, string expected)
    {
        // Act
        var record = Csv.Record(["x", field]);

        // Assert
        Assert.Equal("x," + expected + "\r\n", record);
    }
}
