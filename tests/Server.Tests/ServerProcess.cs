using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Orchestration.Server.Tests;

/// <summary>Runs the built server executable as a child process from the repository root.</summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private ServerProcess(Process process)
    {
        _process = process;
    }

    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>A build artifact the tests use: the environment variable <paramref name="variable"/> when set, else
    /// <paramref name="path"/> under the repository, where the README's commands put it.</summary>
    public static string Artifact(string variable, params string[] path) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } set ? set : Path.Combine([RepositoryRoot, .. path]);

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>A loopback port free at the time of the call.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until the host answers <c>/api/health</c> (60 s by default); fails early if the process ends.</summary>
    public async Task WaitForHealthAsync(HttpClient http, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(HasExited, $"The host exited before answering /api/health. stdout:\n{Stdout}\nstderr:\n{Stderr}");
            try
            {
                if ((await http.GetAsync("/api/health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // a busy machine: ask again
            }

            await Task.Delay(50);
        }

        Assert.Fail("The host did not answer /api/health in time: " + Stderr);
    }

    /// <summary>Polls <c>GET /api/batches/{id}</c> until the batch has finished (90 s by default) and returns its
    /// status document; a batch not yet there (404, e.g. still in a queue) is waited for. Fails if the host exits.</summary>
    public async Task<JsonElement> WaitForBatchEndAsync(HttpClient http, string batchId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(HasExited, $"The host exited while batch {batchId} ran. stderr:\n{Stderr}");
            try
            {
                using var response = await http.GetAsync($"/api/batches/{batchId}");
                var body = await response.Content.ReadAsStringAsync();
                last = $"{(int)response.StatusCode} {body}";
                if (response.IsSuccessStatusCode)
                {
                    using var document = JsonDocument.Parse(body);
                    if (document.RootElement.GetProperty("status").GetString() is "completed" or "failed" or "cancelled" or "terminated" or "stopped")
                    {
                        return document.RootElement.Clone();
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // not listening yet, or a busy machine: ask again
            }

            await Task.Delay(100);
        }

        Assert.Fail($"Batch {batchId} did not finish in time; last answer: {last}\nstderr:\n{Stderr}");
        return default;
    }

    /// <summary>Reads a value every 200 ms until <paramref name="done"/> holds or <paramref name="timeout"/> passes; returns the last one read.</summary>
    public static async Task<T> WaitForAsync<T>(Func<T> read, Func<T, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var value = read();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            value = read();
        }

        return value;
    }

    public static ServerProcess Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    public static ServerProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        StartHost(Path.Combine(AppContext.BaseDirectory, "Orchestration.Server.dll"), environment, args);

    /// <summary>Starts another built host executable (e.g. the crash server) the same way.</summary>
    public static ServerProcess StartHost(string dll, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        StartProgram(["dotnet", dll], environment, args);

    /// <summary>Starts a program (the first words of <paramref name="command"/>, e.g. a natively compiled host) with
    /// <paramref name="args"/> the same way.</summary>
    public static ServerProcess StartProgram(IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        // Through env(1), which resets SIGINT to its default before it execs dotnet (same pid): a test run
        // started as a background job inherits SIGINT ignored, and .NET then never raises Ctrl-C, so the
        // Ctrl-C tests would test the shell that started them instead of the product.
        var info = new ProcessStartInfo("env")
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        info.ArgumentList.Add("--default-signal=INT");
        foreach (var word in command)
        {
            info.ArgumentList.Add(word);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info };
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => Append(server._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(server._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var server = Start(environment, args);
        var code = await server.WaitAsync(TimeSpan.FromSeconds(60));
        return (code, server.Stdout, server.Stderr);
    }

    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Stdout.Contains(text, StringComparison.Ordinal) && !Stderr.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"'{text}' not seen. stdout:\n{Stdout}\nstderr:\n{Stderr}");
            Assert.False(_process.HasExited, $"Exited before '{text}'. stdout:\n{Stdout}\nstderr:\n{Stderr}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL to the server alone, as a crash: its detached executions (own sessions) live on.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }


    public void Interrupt()
    {
        using var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (target)
        {
            target.AppendLine(line);
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orchestration.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Orchestration.sln not found.");
    }
}
