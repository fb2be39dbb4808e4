using System.Net;
using System.Net.Sockets;

namespace Orchestration.Domain.Validation;

/// <summary>Which addresses a webhook may connect to.</summary>
/// <remarks>A webhook URL is user input; without this check it could reach the cloud metadata server
/// (and steal the host's identity token), the host's own admin ports, or the private network.
/// The webhook sender checks the address actually connected to, after DNS, so a name that resolves to a
/// private address (or changes its answer between check and use) is refused too; validation applies the
/// same rule to address literals and metadata host names at submit, so those are refused before a batch starts.</remarks>
public static class AddressPolicy
{
    // Names the metadata servers of Google Cloud and AWS answer to from inside an instance.
    private static readonly string[] MetadataHosts = ["metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal"];

    /// <summary>Whether a webhook may connect to <paramref name="address"/>.</summary>
    /// <param name="address">The resolved address.</param>
    /// <param name="allowLoopback">True in local mode, where the webhook receiver runs on this machine.</param>
    /// <returns>True when allowed.</returns>
    public static bool IsAllowed(IPAddress address, bool allowLoopback)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return allowLoopback;
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsPublicV4(address.GetAddressBytes()),
            AddressFamily.InterNetworkV6 => IsPublicV6(address),
            _ => false,
        };
    }

    /// <summary>Whether a webhook host is refused before any lookup: an address literal the policy refuses,
    /// or a cloud metadata server's name.</summary>
    /// <param name="uri">The webhook URL.</param>
    /// <param name="allowLoopback">True in local mode.</param>
    /// <returns>True when refused.</returns>
    public static bool IsRefusedHost(Uri uri, bool allowLoopback)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            && IPAddress.TryParse(uri.Host.Trim('[', ']'), out var literal))
        {
            return !IsAllowed(literal, allowLoopback);
        }

        return MetadataHosts.Contains(uri.IdnHost.TrimEnd('.'), StringComparer.OrdinalIgnoreCase);
    }

    private static bool IsPublicV4(byte[] b) => !(
        b[0] == 0                                        // "this" network
        || b[0] == 10                                    // private
        || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)    // carrier-grade NAT
        || b[0] == 127                                   // loopback
        || (b[0] == 169 && b[1] == 254)                  // link-local, cloud metadata
        || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)     // private
        || (b[0] == 192 && b[1] == 0 && b[2] == 0)       // IETF protocol assignments
        || (b[0] == 192 && b[1] == 168)                  // private
        || (b[0] == 198 && (b[1] == 18 || b[1] == 19))   // benchmarking
        || b[0] >= 224);                                 // multicast, reserved, broadcast

    private static bool IsPublicV6(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return !(address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal
            || address.IsIPv6Multicast || (b[0] & 0xfe) == 0xfc // unique local (fc00::/7), incl. fd00:ec2::254 metadata
            || address.IsIPv6Teredo || (b[0] == 0x20 && b[1] == 0x02)); // 6to4 can embed any IPv4 address
    }
}
