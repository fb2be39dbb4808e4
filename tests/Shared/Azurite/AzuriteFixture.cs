using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Orchestration.Tests.Azurite;

/// <summary>Starts Azurite (pinned by tests/azurite/package-lock.json) on free loopback ports for the
/// tests of one collection, and stops it afterwards.</summary>
/// <remarks>Compiled into each test project that needs it (a linked file, see the csproj), so every test
/// assembly starts its own emulator and shares no state with another.</remarks>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();
    private Process? _process;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var folder = Path.Combine(RepositoryRoot(), "tests", "azurite");
        var script = Path.Combine(folder, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            await RunAsync("npm", "ci --no-audit --no-fund --loglevel=error", folder);
        }

        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        var start = new ProcessStartInfo("node")
        {
            ArgumentList =
            {
                script, "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl", "--disableTelemetry",
                "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--tableHost", "127.0.0.1", "--tablePort", table.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitForPortsAsync(blob, queue, table);
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;" +
            $"QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5_000);
        }

        _process?.Dispose();
        return Task.CompletedTask;
    }

    private async Task WaitForPortsAsync(params int[] ports)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (var port in ports)
        {
            while (true)
            {
                if (_process!.HasExited)
                {
                    throw new InvalidOperationException($"Azurite exited with code {_process.ExitCode} before it was ready: {string.Join(" | ", _output)}");
                }

                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(50);
                }
            }
        }
    }

    private void Remember(string? line)
    {
        if (line is not null && _output.Count < 50)
        {
            _output.Enqueue(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string arguments, string folder)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { WorkingDirectory = folder, UseShellExecute = false })
            ?? throw new InvalidOperationException($"{file} did not start.");
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{file} {arguments}' in {folder} exited with {process.ExitCode}.");
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orchestration.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Orchestration.sln not found above the test binaries.");
    }
}
