using System.Formats.Tar;
using System.Text;
using Orchestration.Domain.Specs;

namespace Orchestration.Runner.Tests;

public abstract class InputTests(RunnerImplementation implementation) : IDisposable
{
    private readonly RunnerHarness _harness = new(implementation);

    [Fact]
    public async Task Run_BundleInput_UnpacksNestedFilesUnderItsName()
    {
        _harness.PutObject("inputs/abc.tar.gz", RunnerHarness.TarGz(
            new GnuTarEntry(TarEntryType.Directory, "src/"),
            RunnerHarness.FileEntry("src/main.py", "print('hi')\n"),
            RunnerHarness.FileEntry("src/deep/er/data.txt", "nested\n"),
            RunnerHarness.FileEntry("README", "top\n")));
        _harness.WriteSpec(RunnerHarness.CommandSpec("cat input/project/src/deep/er/data.txt input/project/README; cd input/project && find . -type f | sort") with
        {
            Inputs = [new SpecInput("project", Bundle: _harness.GsUri("inputs/abc.tar.gz"))],
        });

        var outcome = await _harness.RunAsync();

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(
            "nested\ntop\n./README\n./src/deep/er/data.txt\n./src/main.py\n",
            _harness.ReadAttemptObject(RunnerContract.StdoutObject));
        Assert.Equal(0, _harness.ReadResult().ExitCode);
    }

    [Fact]
    public async Task Run_InlineInputsBundleAtInputRoot_LaysFilesOutByName()
    {
        _harness.PutObject("inputs/inline.tar.gz", RunnerHarness.TarGz(
            RunnerHarness.FileEntry("config.json", "{\"strict\": true}"),
            RunnerHarness.FileEntry("notes/a.txt", "ünïcode text\n")));
        _harness.WriteSpec(RunnerHarness.CommandSpec("cat input/config.json; echo; cat input/notes/a.txt") with
        {
            Inputs = [new SpecInput(".", Bundle: _harness.GsUri("inputs/inline.tar.gz"))],
        });

        await _harness.RunAsync();

        Assert.Equal("{\"strict\": true}\nünïcode text\n", _harness.ReadAttemptObject(RunnerContract.StdoutObject));
    }

    [Fact]
    public async Task Run_GitInput_ChecksOutThePinnedCommitNotTheBranchTip()
    {
        var (bare, pinned) = await _harness.CreateTwoCommitRepositoryAsync();
        _harness.WriteSpec(RunnerHarness.CommandSpec("cat input/repo/version.txt; git -C input/repo rev-parse HEAD") with
        {
            Inputs = [new SpecInput("repo", Git: new SpecGit(new Uri(bare).AbsoluteUri, "main", pinned))],
        });

        var outcome = await _harness.RunAsync();

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal($"first\n{pinned}\n", _harness.ReadAttemptObject(RunnerContract.StdoutObject));
        Assert.Contains($"\"commit\":\"{pinned}\"", _harness.ReadAttemptObject(RunnerContract.ResultObject), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_GitFileUrlWithoutSwitch_IsRefused()
    {
        var bare = Path.Combine(_harness.Root, "repo.git");
        Directory.CreateDirectory(bare);
        await RunnerHarness.GitAsync(bare, "init", "-q", "--bare");
        _harness.WriteSpec(RunnerHarness.CommandSpec("touch ran") with
        {
            Inputs = [new SpecInput("repo", Git: new SpecGit(new Uri(bare).AbsoluteUri, "main", new string('a', 40)))],
        });

        var outcome = await _harness.RunAsync();

        Assert.NotEqual(0, outcome.ExitCode);
        Assert.False(File.Exists(Path.Combine(_harness.Workspace, "ran")));
    }

    [Fact]
    public async Task Run_GcsInputs_CopyAnObjectAndAPrefix()
    {
        // A dataset the deployment lets the runner accounts read besides inputs/ and runs/.
        _harness.Environment["GCLOUD_STANDIN_READ_PREFIXES"] = "inputs/ runs/ data/";
        _harness.PutObject("data/one.csv", Encoding.UTF8.GetBytes("a,b\n"));
        _harness.PutObject("data/set/x.txt", Encoding.UTF8.GetBytes("x\n"));
        _harness.PutObject("data/set/sub/y.txt", Encoding.UTF8.GetBytes("y\n"));
        _harness.WriteSpec(RunnerHarness.CommandSpec("cat input/tables/one.csv input/set/x.txt input/set/sub/y.txt") with
        {
            Inputs =
            [
                new SpecInput("tables/one.csv", Gcs: new SpecGcs(_harness.GsUri("data/one.csv"), "1700000000000000")),
                new SpecInput("set", Gcs: new SpecGcs(_harness.GsUri("data/set/"), null)),
            ],
        });

        await _harness.RunAsync();

        Assert.Equal("a,b\nx\ny\n", _harness.ReadAttemptObject(RunnerContract.StdoutObject));
    }

    [Fact]
    public async Task Run_GcsInputTheAccountsMayNotRead_IsAnInfrastructureFailure()
    {
        _harness.PutObject("private/one.csv", Encoding.UTF8.GetBytes("a,b\n"));
        _harness.WriteSpec(RunnerHarness.CommandSpec("touch ran") with
        {
            Inputs = [new SpecInput("one.csv", Gcs: new SpecGcs(_harness.GsUri("private/one.csv"), null))],
        });

        var outcome = await _harness.RunAsync();

        Assert.NotEqual(0, outcome.ExitCode);
        Assert.False(_harness.AttemptObjectExists(RunnerContract.ResultObject));
        Assert.False(File.Exists(Path.Combine(_harness.Workspace, "ran")));
        Assert.Contains("storage.objects.get", _harness.ReadAttemptObject(RunnerContract.StderrObject), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("/etc/cron.d/x")]
    [InlineData("a/../../b")]
    public async Task Run_InputNameLeavingTheInputFolder_IsRefusedAndNothingRuns(string name)
    {
        _harness.PutObject("inputs/ok.tar.gz", RunnerHarness.TarGz(RunnerHarness.FileEntry("f.txt", "f")));
        _harness.WriteSpec(RunnerHarness.CommandSpec("touch ran") with
        {
            Inputs = [new SpecInput(name, Bundle: _harness.GsUri("inputs/ok.tar.gz"))],
        });

        var outcome = await _harness.RunAsync();

        Assert.NotEqual(0, outcome.ExitCode);
        Assert.False(File.Exists(Path.Combine(_harness.Workspace, "ran")));
        Assert.False(_harness.AttemptObjectExists(RunnerContract.ResultObject));
        Assert.Contains("spec.json is not valid", outcome.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("symlink", "the bundle holds a link or special file")]
    [InlineData("hardlink", "the bundle holds a link or special file")]
    [InlineData("parent", "the bundle holds a path with '..'")]
    [InlineData("absolute", "the bundle holds an absolute path")]
    public async Task Run_BundleWithLinkOrEscapingEntry_IsRefusedAndNothingRuns(string kind, string reason)
    {
        TarEntry hostile = kind switch
        {
            "symlink" => new GnuTarEntry(TarEntryType.SymbolicLink, "passwd") { LinkName = "/etc/passwd" },
            "hardlink" => new GnuTarEntry(TarEntryType.HardLink, "hard") { LinkName = "ok.txt" },
            "parent" => RunnerHarness.FileEntry("sub/../../escape.txt", "x"),
            _ => RunnerHarness.FileEntry("/tmp/absolute-escape.txt", "x"),
        };
        _harness.PutObject("inputs/bad.tar.gz", RunnerHarness.TarGz(RunnerHarness.FileEntry("ok.txt", "ok"), hostile));
        _harness.WriteSpec(RunnerHarness.CommandSpec("touch ran") with
        {
            Inputs = [new SpecInput("bundle", Bundle: _harness.GsUri("inputs/bad.tar.gz"))],
        });

        var outcome = await _harness.RunAsync();

        Assert.NotEqual(0, outcome.ExitCode);
        Assert.False(File.Exists(Path.Combine(_harness.Workspace, "ran")));
        Assert.False(File.Exists(Path.Combine(_harness.Workspace, "input", "bundle", "ok.txt")));
        Assert.False(File.Exists(Path.Combine(_harness.Workspace, "escape.txt")));
        Assert.False(_harness.AttemptObjectExists(RunnerContract.ResultObject));
        Assert.Contains(reason, _harness.ReadAttemptObject(RunnerContract.StderrObject), StringComparison.Ordinal);
    }

    public void Dispose() => _harness.Dispose();

    /// <summary>The cases against runner/runner.sh.</summary>
    public sealed class Script() : InputTests(RunnerImplementation.Script);

    /// <summary>The cases against the native executor.</summary>
    public sealed class Native() : InputTests(RunnerImplementation.Native);
}
