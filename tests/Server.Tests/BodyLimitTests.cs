using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Orchestration.Server.Tests;

/// <summary>Over-limit and slow request bodies against a real <c>serve</c> (Kestrel on 127.0.0.1), spoken to
/// with a raw socket the way urllib and many SDKs do: the whole body is written before the answer is read.</summary>
public sealed class BodyLimitTests(BodyLimitTests.Server server, ITestOutputHelper output) : IClassFixture<BodyLimitTests.Server>
{
    private const long Mib = 1024 * 1024;

    [Theory]
    [InlineData("POST", "/api/batches", 256 * Mib)]
    [InlineData("POST", "/api/batches", 40 * Mib)]
    [InlineData("PUT", "/api/inputs/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 256 * Mib)]
    public async Task OverLimitBody_WrittenWholeBeforeReading_ClientReadsA413Problem(string method, string path, long size)
    {
        // Arrange
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, server.Port);
        var stream = client.GetStream();
        var clock = Stopwatch.StartNew();

        // Act: every byte goes out before a single one is read.
        await stream.WriteAsync(Head(method, path, size, server.Port));
        await WriteBodyAsync(stream, size, TimeSpan.Zero, CancellationToken.None);
        var written = clock.Elapsed;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var answer = await ReadAnswerAsync(stream, timeout.Token);
        output.WriteLine($"{method} {path}: {size:N0} bytes written in {written.TotalSeconds:F2} s, answer after {clock.Elapsed.TotalSeconds:F2} s");

        // Assert
        Assert.NotNull(answer);
        Assert.Equal(413, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        using var problem = JsonDocument.Parse(answer.Body);
        Assert.Equal("urn:orchestration:problem:too-large", problem.RootElement.GetProperty("type").GetString());
        Assert.Equal(413, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task SlowSender_UnderTheMinimumRate_IsCutOffAfterTheGrace()
    {
        // 100 bytes every 250 ms (400 B/s) of a 900 kB bundle (under its 1 MiB limit, whose time limit is the
        // default 30 minutes): 37 minutes if nothing but the minimum rate (4096 B/s after 5 s) stopped it.
        var (cut, elapsed, answer) = await TrickleAsync("PUT", "/api/inputs/" + new string('b', 64), 900_000, 100, TimeSpan.FromMinutes(2));
        output.WriteLine($"cut after {elapsed.TotalSeconds:F2} s, answer {answer?.Status.ToString() ?? "none (connection closed)"}");

        Assert.True(cut, "The server kept reading a body under the minimum data rate.");
        Assert.True(answer is null || answer.Status == 408, $"answered {answer?.Status}");
        Assert.True(elapsed > TimeSpan.FromSeconds(4), $"cut after {elapsed}, inside the 5 s grace");
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"cut only after {elapsed}");
    }

    [Fact]
    public async Task SlowSender_AboveTheRateButPastTheTimeLimit_Reads408Problem()
    {
        // 16 KiB every 250 ms (64 KiB/s, above the minimum rate) of a 3.5 MiB document: about 56 s, past the
        // 3 s limit this server has.
        var (cut, elapsed, answer) = await TrickleAsync("POST", "/api/batches", (long)(3.5 * Mib), 16 * 1024, TimeSpan.FromMinutes(2));
        output.WriteLine($"cut after {elapsed.TotalSeconds:F2} s, answer {answer?.Status.ToString() ?? "none"}");

        Assert.True(cut, "The server kept reading past its time limit.");
        Assert.NotNull(answer);
        Assert.Equal(408, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Contains("urn:orchestration:problem:too-slow", answer.Body, StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromSeconds(45), $"cut only after {elapsed}");
    }

    /// <summary>Writes <paramref name="chunk"/> bytes every 250 ms while reading; ends when the server answers
    /// or closes (cut), or at <paramref name="bound"/> (not cut).</summary>
    private async Task<(bool Cut, TimeSpan Elapsed, Answer? Answer)> TrickleAsync(string method, string path, long size, int chunk, TimeSpan bound)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Head(method, path, size, server.Port));
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(bound);
        var reading = ReadAnswerOrCloseAsync(stream, stop.Token);
        var buffer = Enumerable.Repeat((byte)' ', chunk).ToArray();
        long sent = 0;
        while (!reading.IsCompleted && !stop.IsCancellationRequested && sent < size)
        {
            try
            {
                await stream.WriteAsync(buffer.AsMemory(0, (int)Math.Min(chunk, size - sent)), stop.Token);
                sent += chunk;
                await Task.WhenAny(reading, Task.Delay(250, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default));
            }
            catch (IOException)
            {
                break;
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        var (closed, answer) = await reading;
        return (closed || answer is not null, clock.Elapsed, answer);
    }

    private static byte[] Head(string method, string path, long size, int port) => Encoding.ASCII.GetBytes(
        $"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nx-functions-key: {Server.Key}\r\n" +
        $"Content-Type: {(method == "PUT" ? "application/gzip" : "application/json")}\r\nContent-Length: {size}\r\n\r\n");

    // Generated as it goes: 256 MB are never held in memory.
    private static async Task WriteBodyAsync(NetworkStream stream, long size, TimeSpan pause, CancellationToken cancellationToken)
    {
        var chunk = Enumerable.Repeat((byte)' ', 64 * 1024).ToArray();
        for (long sent = 0; sent < size; sent += chunk.Length)
        {
            await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, size - sent)), cancellationToken);
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, cancellationToken);
            }
        }
    }

    private static async Task<(bool Closed, Answer? Answer)> ReadAnswerOrCloseAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await ReadAnswerAsync(stream, cancellationToken);
            return (answer is null, answer);
        }
        catch (IOException)
        {
            return (true, null);
        }
        catch (OperationCanceledException)
        {
            return (false, null);
        }
    }

    /// <summary>One HTTP/1.1 answer with a Content-Length body, or null when the connection closed first.</summary>
    private static async Task<Answer?> ReadAnswerAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var received = new List<byte>();
        var buffer = new byte[8192];
        int end;
        while ((end = IndexOf(received, "\r\n\r\n"u8.ToArray())) < 0)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                return null;
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        var head = Encoding.ASCII.GetString(received.ToArray(), 0, end).Split("\r\n");
        var headers = head.Skip(1).Select(h => h.Split(':', 2)).ToDictionary(h => h[0].Trim(), h => h[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = received.Skip(end + 4).ToList();
        var chunked = headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase);

        // A chunked body ends with the zero-length chunk; a Content-Length one at its length.
        bool Complete() => chunked
            ? IndexOf(body, "0\r\n\r\n"u8.ToArray()) is var zero && zero >= 0 && (zero == 0 || (zero >= 2 && body[zero - 2] == '\r' && body[zero - 1] == '\n'))
            : body.Count >= int.Parse(headers["Content-Length"], System.Globalization.CultureInfo.InvariantCulture);
        while (!Complete())
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                return null;
            }

            body.AddRange(buffer.AsSpan(0, read));
        }

        var bytes = body.ToArray();
        var text = chunked ? Dechunk(bytes) : Encoding.UTF8.GetString(bytes, 0, int.Parse(headers["Content-Length"], System.Globalization.CultureInfo.InvariantCulture));
        return new Answer(int.Parse(head[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), headers.GetValueOrDefault("Content-Type"), text);
    }

    private static string Dechunk(byte[] bytes)
    {
        var text = new StringBuilder();
        var at = 0;
        while (true)
        {
            var line = Array.IndexOf(bytes, (byte)'\r', at);
            var size = Convert.ToInt32(Encoding.ASCII.GetString(bytes, at, line - at).Split(';')[0], 16);
            if (size == 0)
            {
                return text.ToString();
            }

            text.Append(Encoding.UTF8.GetString(bytes, line + 2, size));
            at = line + 2 + size + 2;
        }
    }

    private static int IndexOf(List<byte> data, byte[] pattern)
    {
        for (var i = 0; i + pattern.Length <= data.Count; i++)
        {
            if (data.Skip(i).Take(pattern.Length).SequenceEqual(pattern))
            {
                return i;
            }
        }

        return -1;
    }

    public sealed record Answer(int Status, string? ContentType, string Body);

    /// <summary>One <c>serve</c> with a key, a 1 MiB bundle limit (so 256 MB is far over it) and a 3 s time limit
    /// for batch documents.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public const string Key = "body-limit-key";

        private ServerProcess? _process;
        private readonly string _data = Directory.CreateTempSubdirectory("body-limits-").FullName;

        public int Port { get; } = ServerProcess.FreePort();

        public async Task InitializeAsync()
        {
            _process = ServerProcess.Start(
                new Dictionary<string, string>
                {
                    ["Orchestration__Api__Keys__0"] = Key,
                    ["Orchestration__Api__MaxBundleBytes"] = "1048576",
                    ["Orchestration__Api__MaxBodySeconds"] = "3",
                },
                "serve", "--urls", $"http://127.0.0.1:{Port}", "--data", _data);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(5) };
            await _process.WaitForHealthAsync(http);
        }

        public Task DisposeAsync()
        {
            _process?.Dispose();
            try
            {
                Directory.Delete(_data, recursive: true);
            }
            catch (IOException)
            {
                // left behind
            }

            return Task.CompletedTask;
        }
    }
}
