using System.Text.Json;
using System.Text.RegularExpressions;
using Orchestration.Activities;
using Orchestration.Activities.CloudRun;
using Orchestration.Activities.Google;
using Orchestration.Activities.Storage;
using Orchestration.Activities.Webhooks;
using Orchestration.Workflows.Service;

namespace Orchestration.Api.Tests.Deployment;

/// <summary>Shape checks of the Azure Functions host's host.json and local.settings.sample.json (repository root):
/// src/Functions is not built here, so these files are checked against what the code binds.</summary>
public sealed partial class FunctionsSettingsFilesTests
{
    // The queue trigger's poison threshold: DESIGN.md section 11 ("after 5 dequeues").
    private const int MaxDequeueCount = 5;

    private static readonly string Root = FindRoot();

    [Fact]
    public void HostJson_Parsed_IsFunctionsV4WithDurableHubAndQueueSettings()
    {
        using var host = Read("host.json");
        var root = host.RootElement;
        Assert.Equal("2.0", root.GetProperty("version").GetString());
        Assert.Matches(TimeSpanPattern(), root.GetProperty("functionTimeout").GetString());
        Assert.True(root.GetProperty("logging").GetProperty("logLevel").TryGetProperty("default", out _));

        var extensions = root.GetProperty("extensions");
        Assert.Equal("api", extensions.GetProperty("http").GetProperty("routePrefix").GetString());

        var durable = extensions.GetProperty("durableTask");
        // Task hub names: a letter then letters and digits, 3 to 45 characters (Azure Storage provider rule).
        Assert.Matches(HubNamePattern(), durable.GetProperty("hubName").GetString());
        Assert.True(durable.GetProperty("storageProvider").TryGetProperty("partitionCount", out var partitions));
        Assert.InRange(partitions.GetInt32(), 1, 16);
        Assert.True(durable.GetProperty("maxConcurrentActivityFunctions").GetInt32() > 0);
        Assert.True(durable.GetProperty("maxConcurrentOrchestratorFunctions").GetInt32() > 0);
        Assert.Equal(JsonValueKind.True, durable.GetProperty("extendedSessionsEnabled").ValueKind);
        Assert.False(durable.GetProperty("tracing").GetProperty("traceInputsAndOutputs").GetBoolean());

        var queues = extensions.GetProperty("queues");
        Assert.Equal(MaxDequeueCount, queues.GetProperty("maxDequeueCount").GetInt32());
        Assert.Equal("base64", queues.GetProperty("messageEncoding").GetString());
        Assert.InRange(queues.GetProperty("batchSize").GetInt32(), 1, 32);
        Assert.Matches(TimeSpanPattern(), queues.GetProperty("visibilityTimeout").GetString());
    }

    [Fact]
    public void LocalSettingsSample_Parsed_IsIsolatedWorkerOnDevelopmentStorage()
    {
        using var settings = Read("local.settings.sample.json");
        Assert.False(settings.RootElement.GetProperty("IsEncrypted").GetBoolean());
        var values = settings.RootElement.GetProperty("Values");
        Assert.Equal("UseDevelopmentStorage=true", values.GetProperty("AzureWebJobsStorage").GetString());
        Assert.Equal("dotnet-isolated", values.GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
    }

    [Fact]
    public void LocalSettingsSample_Keys_AreEnvironmentFormWithPlaceholdersOnly()
    {
        using var settings = Read("local.settings.sample.json");
        foreach (var setting in settings.RootElement.GetProperty("Values").EnumerateObject())
        {
            // App settings are environment variables: ':' would not survive, '__' is the section separator.
            Assert.Matches(SettingNamePattern(), setting.Name);
            Assert.Equal(JsonValueKind.String, setting.Value.ValueKind);
            Assert.DoesNotMatch(SecretPattern(), setting.Value.GetString()!);
        }
    }

    [Fact]
    public void LocalSettingsSample_Sections_CoverEverySectionTheFunctionsHostBinds()
    {
        using var settings = Read("local.settings.sample.json");
        var keys = settings.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToList();

        // The sections of the shared projects the host binds, and the ones src/Functions declares itself (read
        // from its source, since that project is not built here).
        string[] shared =
        [
            RunSettings.Section, RetentionOptions.Section, BatchServiceOptions.Section, ApiOptions.Section,
            GoogleCredentialOptions.Section, GoogleHttpOptions.Section, GcsOptions.Section, CloudRunOptions.Section,
            WebhookOptions.Section,
        ];
        var own = Directory.EnumerateFiles(Path.Combine(Root, "src", "Functions"), "*.cs")
            .SelectMany(f => SectionConstant().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToList();
        Assert.NotEmpty(own);

        var missing = shared.Concat(own)
            .Select(section => section.Replace(":", "__", StringComparison.Ordinal) + "__")
            .Where(prefix => !keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal)))
            .ToList();
        Assert.Empty(missing);
    }

    private static JsonDocument Read(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, name)), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow });

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orchestration.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Orchestration.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\A[A-Za-z][A-Za-z0-9]{2,44}\z")]
    private static partial Regex HubNamePattern();

    [GeneratedRegex(@"\A\d{2}:\d{2}:\d{2}\z")]
    private static partial Regex TimeSpanPattern();

    [GeneratedRegex(@"\A[A-Za-z][A-Za-z0-9_]*\z")]
    private static partial Regex SettingNamePattern();

    [GeneratedRegex(@"sk-ant-|ghp_|github_pat_|AKIA|-----BEGIN|AccountKey=")]
    private static partial Regex SecretPattern();

    [GeneratedRegex(@"const string Section = ""([^""]+)""")]
    private static partial Regex SectionConstant();
}
