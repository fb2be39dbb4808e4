using System.Text.Json;
using System.Text.RegularExpressions;
using Orchestration.Activities;
using Orchestration.Adapters.CloudRun;
using Orchestration.Adapters.Google;
using Orchestration.Adapters.Queue;
using Orchestration.Adapters.Storage;
using Orchestration.Adapters.Webhooks;
using Orchestration.Workflows.Service;

namespace Orchestration.Api.Tests.Deployment;

/// <summary>Shape checks of the Azure Functions host's host.json and local.settings.sample.json (repository root):
/// these files are checked against what the code binds.</summary>
public sealed partial class FunctionsSettingsFilesTests
{
    private static readonly string Root = RepositoryRoot.Path;

    // The options sections of the shared projects that the Functions host binds, with their types.
    private static readonly Dictionary<string, Type> SharedSections = new()
    {
        [RunSettings.Section] = typeof(RunSettings),
        [RetentionOptions.Section] = typeof(RetentionOptions),
        [BatchServiceOptions.Section] = typeof(BatchServiceOptions),
        [ApiOptions.Section] = typeof(ApiOptions),
        [GoogleCredentialOptions.Section] = typeof(GoogleCredentialOptions),
        [GoogleHttpOptions.Section] = typeof(GoogleHttpOptions),
        [GcsOptions.Section] = typeof(GcsOptions),
        [CloudRunOptions.Section] = typeof(CloudRunOptions),
        [WebhookOptions.Section] = typeof(WebhookOptions),
        [SubmissionQueueOptions.Section] = typeof(SubmissionQueueOptions),
    };

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
        Assert.Equal(SubmissionQueues.MaxDequeueCount, queues.GetProperty("maxDequeueCount").GetInt32());
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
        // from its source: this project does not reference the Functions host).
        var own = OwnSections();
        Assert.NotEmpty(own);

        var missing = SharedSections.Keys.Concat(own.Keys)
            .Select(section => section.Replace(":", "__", StringComparison.Ordinal) + "__")
            .Where(prefix => !keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal)))
            .ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void LocalSettingsSample_Keys_NameSettingsTheCodeHas()
    {
        using var settings = Read("local.settings.sample.json");
        var own = OwnSections();
        var unknown = new List<string>();
        foreach (var key in settings.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name))
        {
            var path = key.Split("__");
            var section = SharedSections.Keys.Concat(own.Keys)
                .FirstOrDefault(s => path.Length > s.Split(':').Length && string.Join(':', path.Take(s.Split(':').Length)) == s);
            if (section is null)
            {
                // Host settings (AzureWebJobsStorage, FUNCTIONS_WORKER_RUNTIME) belong to no options section.
                Assert.DoesNotContain("__", key, StringComparison.Ordinal);
                continue;
            }

            var rest = path.Skip(section.Split(':').Length).ToArray();
            var known = SharedSections.TryGetValue(section, out var type) ? Resolves(type, rest) : own[section].Contains(rest[0]) && rest.Length == 1;
            if (!known)
            {
                unknown.Add(key);
            }
        }

        Assert.Empty(unknown);
    }

    // The sections src/Functions declares itself, with the settable properties of the class declaring each, read
    // from its source, since this project does not reference the Functions host.
    private static Dictionary<string, HashSet<string>> OwnSections() =>
        Directory.EnumerateFiles(Path.Combine(Root, "src", "Functions"), "*.cs")
            .Select(File.ReadAllText)
            .Select(text => (Section: SectionConstant().Match(text), Text: text))
            .Where(f => f.Section.Success)
            .ToDictionary(
                f => f.Section.Groups[1].Value,
                f => SettableProperty().Matches(f.Text).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal));

    private static bool Resolves(Type type, IReadOnlyList<string> path)
    {
        foreach (var segment in path)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                return true;
            }

            var property = type.GetProperty(segment, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase);
            if (property?.SetMethod is null)
            {
                return false;
            }

            type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        }

        return true;
    }

    private static JsonDocument Read(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, name)), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow });


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

    [GeneratedRegex(@"public [\w?<>, ]+ (\w+) \{ get; set; \}")]
    private static partial Regex SettableProperty();
}
