using System.Net;
using Orchestration.Domain.Validation;

namespace Orchestration.Activities.Tests.Webhooks;

public sealed class AddressPolicyTests
{
    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("127.0.0.1")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("2002:a9fe:a9fe::1")]
    [InlineData("ff02::1")]
    public void IsAllowed_PrivateOrMetadata_False(string address) =>
        Assert.False(AddressPolicy.IsAllowed(IPAddress.Parse(address), allowLoopback: false));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700:4700::1111")]
    public void IsAllowed_Public_True(string address) =>
        Assert.True(AddressPolicy.IsAllowed(IPAddress.Parse(address), allowLoopback: false));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void IsAllowed_LoopbackInLocalMode_True(string address) =>
        Assert.True(AddressPolicy.IsAllowed(IPAddress.Parse(address), allowLoopback: true));

    [Fact]
    public void IsAllowed_MetadataEvenInLocalMode_False() =>
        Assert.False(AddressPolicy.IsAllowed(IPAddress.Parse("169.254.169.254"), allowLoopback: true));
}
