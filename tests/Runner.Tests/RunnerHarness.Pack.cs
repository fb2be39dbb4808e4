using System.Globalization;
using System.Text;

namespace Orchestration.Runner.Tests;

/// <summary>The packed mode of the script harness: a pack manifest object, and the environment of one task of a packed
/// Cloud Run execution (runner/README.md, "Packed executions"). The native executor does not do packs.</summary>
public sealed partial class RunnerHarness
{
    /// <summary>The pack manifest of these tests, under the submission prefix of batch b1, nonce n1.</summary>
    public const string PackManifestName = "runs/b1/n1/_packs/p1/manifest.tsv";

    /// <summary>The object name of the harness's single attempt (task t1, run 0, attempt 1).</summary>
    public const string DefaultPrefixName = PrefixName;

    /// <summary>The object name of the harness's spec.json (task t1).</summary>
    public const string DefaultSpecName = SpecObjectName;

    /// <summary>One manifest line: <c>runKey TAB attempt TAB specUri TAB attemptPrefixUri</c>, without its line break.</summary>
    public string PackLine(string runKey, int attempt, string specName, string prefixName) =>
        string.Create(CultureInfo.InvariantCulture, $"{runKey}\t{attempt}\t{GsUri(specName)}\t{GsUri(prefixName)}");

    /// <summary>Writes the manifest object: each line terminated by '\n'.</summary>
    public void WritePackManifest(params string[] lines) =>
        PutObject(PackManifestName, Encoding.UTF8.GetBytes(string.Concat(lines.Select(line => line + "\n"))));

    /// <summary>Makes every run of this harness task <paramref name="taskIndex"/> of a packed execution of
    /// <paramref name="taskCount"/> tasks: the manifest's URI instead of RUN_SPEC_URI, RUN_PREFIX and RUN_ATTEMPT, and a
    /// one-second cancel poll.</summary>
    public void UsePack(int taskIndex, int taskCount)
    {
        Environment["RUN_PACK_MANIFEST_URI"] = GsUri(PackManifestName);
        Environment["CLOUD_RUN_TASK_INDEX"] = taskIndex.ToString(CultureInfo.InvariantCulture);
        Environment["CLOUD_RUN_TASK_COUNT"] = taskCount.ToString(CultureInfo.InvariantCulture);
        Environment["RUNNER_CANCEL_POLL_SECONDS"] = "1";
        Environment["RUN_SPEC_URI"] = null;
        Environment["RUN_PREFIX"] = null;
        Environment["RUN_ATTEMPT"] = null;
    }

    /// <summary>The environment changes that make one run task <paramref name="taskIndex"/> in its own workspace (as a
    /// task of a real execution has its own container).</summary>
    public Dictionary<string, string?> TaskOverrides(int taskIndex, string? execution = null)
    {
        var name = execution is null ? "this" : execution[(execution.LastIndexOf('/') + 1)..];
        var workspace = Path.Combine(Root, string.Create(CultureInfo.InvariantCulture, $"workspace-{name}-task{taskIndex}"));
        Directory.CreateDirectory(workspace);
        var overrides = new Dictionary<string, string?>
        {
            ["CLOUD_RUN_TASK_INDEX"] = taskIndex.ToString(CultureInfo.InvariantCulture),
            ["RUNNER_WORKSPACE"] = workspace,
        };
        if (execution is not null)
        {
            overrides["CLOUD_RUN_EXECUTION"] = execution;
        }

        return overrides;
    }

    /// <summary>The local path of any object of the harness bucket.</summary>
    public string ObjectPath(string name) => Path.Combine(GcsRoot, Bucket, name);

    /// <summary>Every object in the bucket with its bytes, to compare the bucket before and after a run.</summary>
    public Dictionary<string, byte[]> BucketSnapshot() =>
        BucketObjectNames().ToDictionary(name => name, name => File.ReadAllBytes(ObjectPath(name)), StringComparer.Ordinal);

    /// <summary>The objects under an attempt prefix, by name.</summary>
    public IReadOnlyList<string> AttemptObjectNamesUnder(string prefixName)
    {
        var folder = ObjectPath(prefixName);
        return Directory.Exists(folder) ? ObjectNamesUnder(folder) : [];
    }
}
