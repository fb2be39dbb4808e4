using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Orchestration.Server.Tests;

/// <summary>Secrets placed everywhere an operator or a user might put them, through a real <c>serve</c>
/// child process (its settings, the runner's environment, a command printing them), then everything the
/// product writes or answers is scanned for them.</summary>
/// <remarks>Secret-looking values in a batch's own env are refused at validation before any of this
/// (Domain.Tests, Validation), so they are not placed here.</remarks>
public sealed class SecretHygieneTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("secrets-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A detached execution may still be writing; the temp folder is left behind.
        }
    }

    [Fact]
    public async Task Serve_SecretsInSettingsRunnerEnvAndCommandOutput_AppearNowhereItWrites()
    {
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["api key"] = Token("apikey"),
            ["webhook signing secret"] = Token("hooksecret"),
            ["Google credential JSON"] = Token("gcpkey"),
            ["GITHUB_TOKEN (LocalRunner extra env)"] = Token("ghtoken"),
            ["DB_PASSWORD (mounted job secret)"] = Token("dbpass"),
            ["ANTHROPIC_API_KEY (host env)"] = Token("anthropic"),
            ["MY_SERVICE_TOKEN (host env)"] = Token("hosttoken"),
        };
        string S(string prefix) => secrets.Values.Single(v => v.StartsWith(prefix, StringComparison.Ordinal));
        var port = ServerProcess.FreePort();
        using var hook = new WebhookReceiver();
        var environment = new Dictionary<string, string>
        {
            ["Orchestration__Api__Keys__0"] = S("apikey"),
            ["Webhooks__SigningSecret"] = S("hooksecret"),
            ["Google__Credentials__ServiceAccountJson"] = $$"""{"type": "service_account", "private_key": "{{S("gcpkey")}}"}""",
            ["LocalRunner__ExtraEnvironment__GITHUB_TOKEN"] = S("ghtoken"),
            ["Orchestration__Runs__CommandSecrets__DB_PASSWORD"] = "db-password:latest",
            ["LocalRunner__SecretValues__db-password"] = S("dbpass"),
            ["ANTHROPIC_API_KEY"] = S("anthropic"),
            ["MY_SERVICE_TOKEN"] = S("hosttoken"),
            ["Logging__LogLevel__Default"] = "Debug",
        };
        using var server = ServerProcess.Start(environment, "serve", "--urls", $"http://127.0.0.1:{port}", "--data", _data);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Add("x-functions-key", S("apikey"));
        await server.WaitForHealthAsync(http);

        // Prints every variable a user could hope to see, to stdout, stderr, a flagged response and an output file.
        const string Command = """
            echo "gh=$GITHUB_TOKEN db=$DB_PASSWORD anthropic=$ANTHROPIC_API_KEY host=$MY_SERVICE_TOKEN"
            echo "err gh=$GITHUB_TOKEN db=$DB_PASSWORD" >&2
            mkdir -p output; echo "$DB_PASSWORD $GITHUB_TOKEN" > output/leak.txt; env > output/env.txt
            """;
        var body = JsonSerializer.Serialize(new
        {
            id = "secrets",
            webhook = new { url = hook.Url },
            tasks = new[] { new { id = "leaky", n = 2, command = Command, flags = new { db = new { contains = "db=" } } } },
        });
        var submit = await http.PostAsync("/api/batches", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        var answers = new StringBuilder();
        var status = "";
        for (var i = 0; i < 600 && status != "completed"; i++)
        {
            await Task.Delay(100);
            var text = await http.GetStringAsync("/api/batches/secrets");
            answers.AppendLine(text);
            using var document = JsonDocument.Parse(text);
            status = document.RootElement.GetProperty("status").GetString()!;
        }

        Assert.Equal("completed", status);
        var delivered = await hook.Received.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var stdout = await http.GetStringAsync("/api/batches/secrets/runs/leaky/0/artifacts/stdout");
        foreach (var uri in new[]
        {
            "/api/batches/secrets/results", "/api/batches/secrets/results?format=csv", "/api/batches/secrets/runs",
            "/api/batches/secrets/runs?format=csv", "/api/batches", "/api/batches/secrets/runs/leaky/1/artifacts/stdout",
            "/api/batches/secrets/runs/leaky/0/artifacts/stderr", "/api/batches/secrets/runs/leaky/0/artifacts/response",
        })
        {
            answers.AppendLine(await http.GetStringAsync(uri));
        }

        server.Interrupt();
        await server.WaitAsync(TimeSpan.FromSeconds(30));
        var places = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HTTP answers (status, results, runs, list, artifacts)"] = answers.ToString() + stdout,
            ["webhook payload and headers"] = delivered,
            ["server stdout and stderr (logs)"] = server.Stdout + server.Stderr,
        };
        foreach (var file in Directory.EnumerateFiles(_data, "*", SearchOption.AllDirectories))
        {
            places[Path.GetRelativePath(_data, file)] = ReadScannable(file);
        }

        // The command did print them: the scrubber, not silence, keeps them out.
        Assert.Contains("gh=[REDACTED] db=[REDACTED]", stdout, StringComparison.Ordinal);
        Assert.Contains(places.Keys, k => k.EndsWith("spec.json", StringComparison.Ordinal));
        Assert.Contains(places.Keys, k => k.EndsWith("output.tar.gz", StringComparison.Ordinal));
        Assert.Contains(places.Keys, k => k.EndsWith("engine.db", StringComparison.Ordinal));
        Assert.Contains(places.Keys, k => k.EndsWith("stores.db", StringComparison.Ordinal));
        var leaks = (from place in places from secret in secrets where place.Value.Contains(secret.Value, StringComparison.Ordinal) select $"{secret.Key} in {place.Key}").ToList();
        Assert.True(leaks.Count == 0, "Leaked: " + string.Join("; ", leaks));
    }

    private static string Token(string prefix) => prefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    // Files as text, gzip unpacked (output.tar.gz, bundles), SQLite databases dumped table by table as
    // well as read raw (the raw bytes also cover pages the dump does not show: free pages, the WAL).
    private static string ReadScannable(string file)
    {
        var bytes = File.ReadAllBytes(file);
        var text = new StringBuilder(Encoding.UTF8.GetString(bytes));
        if (bytes is [0x1f, 0x8b, ..])
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var unpacked = new MemoryStream();
            gzip.CopyTo(unpacked);
            text.Append(Encoding.UTF8.GetString(unpacked.ToArray()));
        }

        if (file.EndsWith(".db", StringComparison.Ordinal))
        {
            text.Append(SqliteDump.All(file));
        }

        return text.ToString();
    }
}
