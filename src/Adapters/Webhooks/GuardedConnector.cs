using System.Net;
using System.Net.Sockets;
using Orchestration.Domain.Validation;

namespace Orchestration.Adapters.Webhooks;

/// <summary>A <see cref="SocketsHttpHandler.ConnectCallback"/> that resolves the host itself and connects
/// only to addresses <see cref="AddressPolicy"/> allows.</summary>
/// <param name="allowLoopback">Local mode.</param>
public sealed class GuardedConnector(bool allowLoopback)
{
    /// <summary>Creates the primary handler of the webhook client.</summary>
    /// <returns>A handler that never follows redirects and connects only to allowed addresses.</returns>
    public SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        ConnectCallback = ConnectAsync,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
    };

    /// <summary>Resolves, filters and connects.</summary>
    /// <param name="context">The connection request.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>The connected stream.</returns>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var allowed = addresses.Where(a => AddressPolicy.IsAllowed(a, allowLoopback)).ToList();
        if (allowed.Count == 0)
        {
            throw new WebhookRefusedException($"The webhook host '{host}' resolves only to private, loopback, link-local or metadata addresses.");
        }

        SocketException? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }
}
