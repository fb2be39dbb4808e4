using Orchestration.Domain.Aggregation;

namespace Orchestration.Domain.Tests.Aggregation;

public sealed class CloudRunUsageTests
{
    [Theory]
    [InlineData("1", "2Gi", 100, 100, 200)]
    [InlineData("2", "512Mi", 10, 20, 5)]
    [InlineData("500m", "1024Mi", 4, 2, 4)]
    [InlineData("8", "32Gi", 0.5, 4, 16)]
    public void For_Profile_MultipliesCpuAndMemoryBySeconds(string cpu, string memory, double seconds, double vcpuSeconds, double gibSeconds)
    {
        // Arrange
        var profile = new Profile("runner:1", cpu, memory, new Dictionary<string, string>());

        // Act
        var usage = CloudRunUsage.For(profile, seconds);

        // Assert
        Assert.Equal(new CloudRunUsage((decimal)vcpuSeconds, (decimal)gibSeconds), usage);
    }

    [Fact]
    public void ParseMemoryGib_DecimalGigabytes_ConvertedToGib()
    {
        // Act
        var gib = CloudRunUsage.ParseMemoryGib("1G");

        // Assert
        Assert.Equal(1e9m / (1024m * 1024m * 1024m), gib);
    }

    [Theory]
    [InlineData("two")]
    [InlineData("-1")]
    [InlineData("")]
    public void ParseCpu_NotCloudRunNotation_Throws(string cpu)
    {
        // Act + Assert
        Assert.Throws<FormatException>(() => CloudRunUsage.ParseCpu(cpu));
    }

    [Fact]
    public void Plus_TwoAttempts_Sums()
    {
        // Act
        var total = new CloudRunUsage(1.5m, 3m).Plus(new CloudRunUsage(2m, 4m));

        // Assert
        Assert.Equal(new CloudRunUsage(3.5m, 7m), total);
    }
}
