using System.Text.Json;
using System.Text.RegularExpressions;
using Orchestration.Activities.CloudRun;

namespace Orchestration.Api.Tests.Deployment;

/// <summary>The secret references the deployment files set (infra/azure/main.bicep, local.settings.sample.json) have
/// a form the hosts accept at start, so a deployed app's Claude jobs get a well-formed <c>secretKeyRef</c>.</summary>
public sealed partial class SecretReferenceSettingsTests
{
    private static readonly string Root = RepositoryRoot.Path;

    [Fact]
    public void LocalSettingsSample_SecretReferences_Parse()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "local.settings.sample.json")));
        var references = settings.RootElement.GetProperty("Values").EnumerateObject()
            .Where(p => SecretKey().IsMatch(p.Name))
            .Select(p => (p.Name, Value: p.Value.GetString()))
            .ToList();

        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.True(SecretReference.TryParse(r.Value, out _), $"{r.Name} = {r.Value}"));
    }

    [Fact]
    public void MainBicep_SecretReferences_Parse()
    {
        var references = BicepSetting().Matches(File.ReadAllText(Path.Combine(Root, "infra", "azure", "main.bicep")))
            .Where(m => SecretKey().IsMatch(m.Groups["name"].Value))
            .Select(m => (Name: m.Groups["name"].Value, Value: m.Groups["value"].Value))
            .ToList();

        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.True(SecretReference.TryParse(r.Value, out _), $"{r.Name} = {r.Value}"));
    }

    [GeneratedRegex(@"\AOrchestration__Runs__(Claude|Command)Secrets__[A-Za-z_][A-Za-z0-9_]*\z")]
    private static partial Regex SecretKey();

    [GeneratedRegex(@"\{\s*name:\s*'(?<name>[^']+)'\s*,\s*value:\s*'(?<value>[^']*)'\s*\}")]
    private static partial Regex BicepSetting();
}
