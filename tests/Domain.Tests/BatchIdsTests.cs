namespace Orchestration.Domain.Tests;

public sealed class BatchIdsTests
{
    [Theory]
    [InlineData("a", true)]
    [InlineData("pr-review-2026-11-23", true)]
    [InlineData("A.b_c-1", true)]
    [InlineData("", false)]
    [InlineData("-a", false)]
    [InlineData(".a", false)]
    [InlineData("a b", false)]
    [InlineData("a\n", false)]
    [InlineData("a:b", false)]
    [InlineData("аbc", false)]
    public void IsValid_Candidate_MatchesPattern(string id, bool expected) => Assert.Equal(expected, BatchIds.IsValid(id));

    [Fact]
    public void FromIdempotencyKey_SameKey_SameValidId()
    {
        var first = BatchIds.FromIdempotencyKey("client key: ünicode / slashes");
        var second = BatchIds.FromIdempotencyKey("client key: ünicode / slashes");

        Assert.Equal(first, second);
        Assert.True(BatchIds.IsValid(first));
        Assert.NotEqual(first, BatchIds.FromIdempotencyKey("another key"));
    }

    [Fact]
    public void Generate_LaterTime_SortsAfter()
    {
        var random = new byte[] { 1, 2, 3, 4, 5 };
        var early = BatchIds.Generate(new DateTimeOffset(2026, 11, 23, 18, 0, 0, TimeSpan.Zero), random);
        var late = BatchIds.Generate(new DateTimeOffset(2026, 11, 23, 18, 0, 1, TimeSpan.Zero), random);

        Assert.True(string.CompareOrdinal(early, late) < 0);
        Assert.Equal("b-20261123T180000Z-0102030405", early);
        Assert.True(BatchIds.IsValid(early));
    }

    [Fact]
    public void FromFile_SameContent_SameId_EditedContent_NewId()
    {
        var content = "{\"tasks\": []}"u8.ToArray();

        var first = BatchIds.FromFile("samples/Quick Start.json", content);
        var again = BatchIds.FromFile("/other/dir/Quick Start.json", content);
        var edited = BatchIds.FromFile("samples/Quick Start.json", [.. content, (byte)' ']);

        Assert.Equal(first, again);
        Assert.NotEqual(first, edited);
        Assert.StartsWith("Quick-Start-", first, StringComparison.Ordinal);
        Assert.True(BatchIds.IsValid(first));
    }
}
