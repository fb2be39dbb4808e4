namespace Orchestration.Server.Tests;

/// <summary>One <c>serve</c> child process with an API key on a free loopback port, shared by the remote
/// command tests, and a way to run the command line against it.</summary>
public sealed class RemoteServerFixture : IAsyncLifetime
{
    public const string Key = "remote-test-key-7f3a";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private ServerProcess? _server;

    public string Temp { get; } = Directory.CreateTempSubdirectory("remote-tests-").FullName;

    public string Url { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Url = $"http://127.0.0.1:{ServerProcess.FreePort()}";
        _server = ServerProcess.Start(
            new Dictionary<string, string> { ["Orchestration__Api__Keys__0"] = Key },
            "serve", "--urls", Url, "--data", Path.Combine(Temp, "data"));
        using var http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(5) };
        await _server.WaitForHealthAsync(http);
    }

    /// <summary>Runs the command line with this server's URL and key in the environment (as a user would set them).</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> CliAsync(params string[] args) => CliWithKeyAsync(Key, args);

    /// <summary>Runs the command line with <paramref name="key"/> in <c>ORCHESTRATION_KEY</c> ("" sends none).</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> CliWithKeyAsync(string key, params string[] args)
    {
        using var cli = ServerProcess.Start(new Dictionary<string, string> { ["ORCHESTRATION_URL"] = Url, ["ORCHESTRATION_KEY"] = key }, args);
        var code = await cli.WaitAsync(CommandTimeout);
        return (code, cli.Stdout, cli.Stderr);
    }

    public Task DisposeAsync()
    {
        _server?.Dispose();
        try
        {
            Directory.Delete(Temp, recursive: true);
        }
        catch (IOException)
        {
            // A detached execution may still be writing; the temp folder is left behind.
        }

        return Task.CompletedTask;
    }
}
