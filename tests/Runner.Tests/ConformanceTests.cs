using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Orchestration.Domain.Specs;

namespace Orchestration.Runner.Tests;

/// <summary>Each case runs against runner.sh and against the native executor on identical inputs (the same folder
/// paths, set up afresh for each), and the two must upload the same attempt: the same object names, the same capture
/// bytes, the same output archive entries and the same result.json bytes apart from what cannot be equal.</summary>
public sealed partial class ConformanceTests
{
    public static TheoryData<string> Cases => [.. ConformanceCases.All.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Run_Case_BothImplementationsUploadTheSameAttempt(string name)
    {
        // Arrange
        var @case = ConformanceCases.All[name];
        var root = RunnerHarness.NewRoot();

        // Act: one after the other in the same folder, so paths the work sees are the same.
        var script = await RunAsync(@case, RunnerImplementation.Script, root);
        Assert.False(Directory.Exists(root), $"{root} was not cleared after the script's run");
        var native = await RunAsync(@case, RunnerImplementation.Native, root);

        // Assert
        Assert.True(
            script.ExitCode == native.ExitCode,
            $"exit status: script {script.ExitCode}, native {native.ExitCode}\nscript said:\n{script.Messages}\nnative said:\n{native.Messages}");
        Assert.Equal(script.Objects.Keys, native.Objects.Keys);
        foreach (var (objectName, scriptBytes) in script.Objects)
        {
            if (objectName == RunnerContract.OutputObject)
            {
                // gzip streams of two compressors differ; the archive's entries and contents must not.
                Assert.Equal(script.OutputEntries, native.OutputEntries);
                continue;
            }

            AssertSameBytes(objectName, Normalised(objectName, scriptBytes), Normalised(objectName, native.Objects[objectName]));
        }
    }

    /// <summary>The bytes of an attempt object with what cannot be equal between two runs replaced by a placeholder.</summary>
    /// <remarks>
    /// Only these are normalised, and only in the objects named:
    /// <list type="bullet">
    /// <item>result.json and claim: <c>startedAt</c> and <c>endedAt</c> (times of each run).</item>
    /// <item>result.json: <c>execution</c> and <c>attempt</c> (ids: equal here, normalised as the contract's ids anyway).</item>
    /// <item>result.json: <c>output.bytes</c>, the size of output.tar.gz: GNU tar + gzip and .NET's tar and gzip
    /// write different bytes for the same entries (the entries themselves are compared instead).</item>
    /// <item>stderr.txt and result.json: the size in the runner's note "output.tar.gz is N bytes, over the cap" (the
    /// same archive size, quoted).</item>
    /// <item>result.json and transcript.jsonl: <c>session_id</c>, a random id the Claude stand-in draws per run.</item>
    /// <item>stderr.txt: whole lines written by the tools runner.sh runs and the native executor does not — GNU tar's
    /// warnings (<c>tar: ...</c>), the gcloud stand-in's <c>ERROR: (gcloud....)</c> and <c>WARNING: ...</c> lines, and
    /// runner.sh's "gcloud storage cp of ... failed; checking what was stored" (its note on such a gcloud error). Every
    /// other "[runner]" and "runner-lib:" line stays compared.</item>
    /// </list>
    /// A string value cannot be taken for a key: inside a JSON string a quote is always escaped.
    /// </remarks>
    internal static byte[] Normalised(string objectName, byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        if (objectName is RunnerContract.ResultObject or RunnerContract.ClaimObject)
        {
            text = TimeField().Replace(text, "\"$1\":\"<time>\"");
        }

        if (objectName == RunnerContract.ResultObject)
        {
            text = ExecutionField().Replace(text, "\"execution\":\"<id>\"");
            text = AttemptField().Replace(text, "\"attempt\":<id>");
            text = OutputBytesField().Replace(text, "\"output\":{\"bytes\":<bytes>");
        }

        if (objectName == RunnerContract.StderrObject)
        {
            text = ToolLine().Replace(text, string.Empty);
        }

        if (objectName is RunnerContract.ResultObject or RunnerContract.StderrObject)
        {
            text = OutputCapNote().Replace(text, "output.tar.gz is <bytes> bytes, over the");
        }

        if (objectName is RunnerContract.ResultObject or RunnerContract.TranscriptObject)
        {
            text = SessionField().Replace(text, "\"session_id\":\"<session>\"");
        }

        return Encoding.UTF8.GetBytes(text);
    }

    private static void AssertSameBytes(string objectName, byte[] script, byte[] native)
    {
        if (!script.AsSpan().SequenceEqual(native))
        {
            Assert.Fail($"{objectName} differs (after normalising):\nscript: {Encoding.UTF8.GetString(script)}\nnative: {Encoding.UTF8.GetString(native)}");
        }
    }

    private static async Task<Attempt> RunAsync(ConformanceCase @case, RunnerImplementation implementation, string root)
    {
        using var harness = new RunnerHarness(implementation, root);
        await @case.ArrangeAsync(harness);
        var outcome = await harness.RunAsync(
            TimeSpan.FromSeconds(60),
            @case.WhileRunning is null ? null : runner => @case.WhileRunning(harness, runner));
        var objects = harness.AttemptObjectNames().ToDictionary(
            name => name, name => File.ReadAllBytes(harness.AttemptObjectPath(name)), StringComparer.Ordinal);
        var entries = objects.ContainsKey(RunnerContract.OutputObject) ? OutputEntries(harness) : [];
        return new Attempt(outcome.ExitCode, outcome.Stderr, objects, entries);
    }

    /// <summary>The output archive as its entries: name, type, link target and the content of regular files.</summary>
    private static List<string> OutputEntries(RunnerHarness harness)
    {
        var entries = new List<string>();
        using var file = File.OpenRead(harness.AttemptObjectPath(RunnerContract.OutputObject));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (reader.GetNextEntry() is { } entry)
        {
            var content = string.Empty;
            if (entry.DataStream is { } data)
            {
                using var text = new StreamReader(data, Encoding.UTF8);
                content = text.ReadToEnd();
            }

            var type = entry.EntryType is TarEntryType.V7RegularFile ? TarEntryType.RegularFile : entry.EntryType;
            entries.Add($"{entry.Name.TrimStart('.', '/').TrimEnd('/')} {type} {entry.LinkName} {content}");
        }

        entries.Sort(StringComparer.Ordinal);
        return entries;
    }

    [GeneratedRegex("\"(startedAt|endedAt)\":\"[^\"]*\"")]
    private static partial Regex TimeField();

    [GeneratedRegex("\"execution\":\"[^\"]*\"")]
    private static partial Regex ExecutionField();

    [GeneratedRegex("\"attempt\":[0-9]+")]
    private static partial Regex AttemptField();

    [GeneratedRegex("\"output\":\\{\"bytes\":[0-9]+")]
    private static partial Regex OutputBytesField();

    [GeneratedRegex("output\\.tar\\.gz is [0-9]+ bytes, over the")]
    private static partial Regex OutputCapNote();

    [GeneratedRegex("^(tar: |ERROR: \\(gcloud\\.|WARNING: |\\[runner\\] gcloud storage cp of ).*\n", RegexOptions.Multiline)]
    private static partial Regex ToolLine();

    [GeneratedRegex("\"session_id\":\"[^\"]*\"")]
    private static partial Regex SessionField();

    /// <summary>What one implementation left in the attempt's prefix.</summary>
    private sealed record Attempt(int ExitCode, string Messages, Dictionary<string, byte[]> Objects, List<string> OutputEntries);
}
