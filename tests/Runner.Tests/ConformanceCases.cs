using System.Formats.Tar;
using System.Text;
using Orchestration.Domain.Specs;

namespace Orchestration.Runner.Tests;

/// <summary>The runner-contract cases both implementations must answer with the same attempt objects.</summary>
/// <remarks>Commands never print a path of the runner's own state (runner.sh and the native executor lay the spec out
/// in different places); the workspace, HOME and TMPDIR are the same paths in both runs.</remarks>
internal static class ConformanceCases
{
    private const string GitHubToken = "ghp_conformanceTOKEN0123456789abcdef";
    private const string CustomSecret = "custom-secret-\"quoted\"-value\\with-backslash";
    private const string AnthropicKey = "sk-ant-api03-conformance-KEY-0123456789";

    public static IReadOnlyDictionary<string, ConformanceCase> All { get; } = new ConformanceCase[]
    {
        ConformanceCase.Of("command-passes", h => h.WriteSpec(RunnerHarness.CommandSpec(
            "echo hello from $GREETING_NAME; echo warning >&2; mkdir -p output/sub; echo data > output/sub/o.txt") with
        {
            Env = new Dictionary<string, string> { ["GREETING_NAME"] = "the runner" },
            PreCommand = "echo pre-step",
            PostCommand = "echo post-step",
        })),
        // The command sees the shell `bash main.sh` gives it: no arguments, none of the runner's variables or functions, no
        // job control, no traps, signals at their defaults (SigIgn of /proc/self/status: 0 for a script nobody ignored
        // signals for), and a process group of its own with its phases (the group a deadline or a cancel signals).
        ConformanceCase.Of("command-sees-a-fresh-shell", h => h.WriteSpec(RunnerHarness.CommandSpec(
            "echo \"args:$# [$*]\"; declare -F; compgen -v | grep -v -x -E 'BASH_.*|BASHPID|BASHOPTS|SHLVL|PPID|PIPESTATUS|_|LINENO|RANDOM|SECONDS|EPOCH.*|SRANDOM|FUNCNAME|GROUPS|HISTCMD|COLUMNS|LINES|OPTIND|OPTERR|IFS|PS4|DIRSTACK|UID|EUID|HOSTNAME|HOSTTYPE|MACHTYPE|OSTYPE|SHELLOPTS|COMP_WORDBREAKS|PWD|OLDPWD'; "
            + "[[ $- == *m* ]] && echo monitor; trap -p; grep SigIgn /proc/self/status; "
            + "[ \"$(ps -o pgid= -p $$ | tr -d ' ')\" = \"$(ps -o pgid= -p $PPID | tr -d ' ')\" ] && echo 'same group as the caller'; "
            + "mkdir -p output; env | grep -v -E '^(PWD|OLDPWD|SHLVL|_)=' | sort > output/env.txt"))),
        ConformanceCase.Of("command-fails", h => h.WriteSpec(RunnerHarness.CommandSpec("echo before; echo oops >&2; exit 42"))),
        ConformanceCase.Of("pre-command-fails", h => h.WriteSpec(RunnerHarness.CommandSpec("touch main-ran; echo hello") with
        {
            PreCommand = "echo preparing; exit 7",
            PostCommand = "echo cleaning up",
        })),
        ConformanceCase.Of("post-command-fails", h => h.WriteSpec(RunnerHarness.CommandSpec("echo hello") with
        {
            PreCommand = "true",
            PostCommand = "echo checking >&2; exit 3",
        })),
        ConformanceCase.Of("timeout", h => h.WriteSpec(RunnerHarness.CommandSpec(
            "echo partial; mkdir -p output; echo half > output/progress.txt; sleep 30; echo never", timeoutSeconds: 3))),
        ConformanceCase.Of(
            "sigterm",
            h => h.WriteSpec(RunnerHarness.CommandSpec("echo started; mkdir -p output; echo partial > output/part.txt; touch started; sleep 30") with
            {
                PostCommand = "touch post-ran",
            }),
            async (h, runner) =>
            {
                await RunnerHarness.WaitForFileAsync(Path.Combine(h.Workspace, "started"), TimeSpan.FromSeconds(20));
                await runner.TerminateAsync();
            }),
        ConformanceCase.Of(
            "sigterm-while-fetching-a-git-input",
            h =>
            {
                h.InstallHangingGitFetch(Path.Combine(h.Root, "fetch-started"));
                h.WriteSpec(RunnerHarness.CommandSpec("touch ran") with
                {
                    Inputs = [new SpecInput("repo", Git: new SpecGit("https://git.example.invalid/repo.git", "main", new string('a', 40)))],
                });
            },
            async (h, runner) =>
            {
                await RunnerHarness.WaitForFileAsync(Path.Combine(h.Root, "fetch-started"), TimeSpan.FromSeconds(30));
                await runner.TerminateAsync();
            }),
        ConformanceCase.Of("claim-held-by-another-execution", h =>
        {
            h.PutObject("runs/b1/n1/t1/0/a1/claim", Encoding.UTF8.GetBytes("{\"execution\":\"jobs/runner-abc/executions/other\",\"startedAt\":\"2026-01-01T00:00:00Z\"}"));
            h.WriteSpec(RunnerHarness.CommandSpec("touch ran"));
        }),
        ConformanceCase.Of("claim-naming-this-execution", h =>
        {
            h.PutObject("runs/b1/n1/t1/0/a1/claim", Encoding.UTF8.GetBytes($"{{\"execution\":\"{RunnerHarness.Execution}\",\"startedAt\":\"2026-01-01T00:00:00Z\"}}"));
            h.WriteSpec(RunnerHarness.CommandSpec("echo ran"));
        }),
        ConformanceCase.Of("bundle-input", h =>
        {
            h.PutObject("inputs/abc.tar.gz", RunnerHarness.TarGz(
                new GnuTarEntry(TarEntryType.Directory, "src/"),
                RunnerHarness.FileEntry("src/main.py", "print('hi')\n"),
                RunnerHarness.FileEntry("src/deep/er/data.txt", "nested\n"),
                RunnerHarness.FileEntry("README", "top\n")));
            h.WriteSpec(RunnerHarness.CommandSpec("cat input/project/src/deep/er/data.txt input/project/README; cd input/project && find . -type f | sort") with
            {
                Inputs = [new SpecInput("project", Bundle: h.GsUri("inputs/abc.tar.gz"))],
            });
        }),
        new ConformanceCase("git-input", GitInputAsync),
        ConformanceCase.Of("gcs-inputs", h =>
        {
            h.Environment["GCLOUD_STANDIN_READ_PREFIXES"] = "inputs/ runs/ data/";
            h.PutObject("data/one.csv", Encoding.UTF8.GetBytes("a,b\n"));
            h.PutObject("data/set/x.txt", Encoding.UTF8.GetBytes("x\n"));
            h.PutObject("data/set/sub/y.txt", Encoding.UTF8.GetBytes("y\n"));
            h.WriteSpec(RunnerHarness.CommandSpec("cat input/tables/one.csv input/set/x.txt input/set/sub/y.txt") with
            {
                Inputs =
                [
                    new SpecInput("tables/one.csv", Gcs: new SpecGcs(h.GsUri("data/one.csv"), "1700000000000000")),
                    new SpecInput("set", Gcs: new SpecGcs(h.GsUri("data/set/"), null)),
                ],
            });
        }),
        ConformanceCase.Of("bundle-with-a-symlink-refused", h =>
        {
            h.PutObject("inputs/bad.tar.gz", RunnerHarness.TarGz(
                RunnerHarness.FileEntry("ok.txt", "ok"),
                new GnuTarEntry(TarEntryType.SymbolicLink, "passwd") { LinkName = "/etc/passwd" }));
            h.WriteSpec(RunnerHarness.CommandSpec("touch ran") with
            {
                Inputs = [new SpecInput("bundle", Bundle: h.GsUri("inputs/bad.tar.gz"))],
            });
        }),
        ConformanceCase.Of("bundle-with-a-parent-path-refused", h =>
        {
            h.PutObject("inputs/bad.tar.gz", RunnerHarness.TarGz(
                RunnerHarness.FileEntry("ok.txt", "ok"),
                RunnerHarness.FileEntry("sub/../../escape.txt", "x")));
            h.WriteSpec(RunnerHarness.CommandSpec("touch ran") with
            {
                Inputs = [new SpecInput("bundle", Bundle: h.GsUri("inputs/bad.tar.gz"))],
            });
        }),
        ConformanceCase.Of("secrets-scrubbed", h =>
        {
            h.Environment["GITHUB_TOKEN"] = GitHubToken;
            h.Environment["MY_SERVICE_SECRET"] = CustomSecret;
            h.Environment["SHORT_SECRET"] = "short";
            h.Environment["RUNNER_SECRET_ENV_NAMES"] = "OTHER_NAME, MY_SERVICE_SECRET SHORT_SECRET";
            h.WriteSpec(RunnerHarness.CommandSpec(
                "echo \"token $GITHUB_TOKEN short $SHORT_SECRET\"; echo \"custom $MY_SERVICE_SECRET\" >&2; mkdir -p output; " +
                "printf '{\"flagged\": true, \"why\": \"%s\"}' \"$GITHUB_TOKEN\" > output/verdict.json; " +
                "node -e 'process.stdout.write(JSON.stringify({raw: process.env.MY_SERVICE_SECRET}))' > output/escaped.json; " +
                "echo \"$MY_SERVICE_SECRET\" > output/notes.txt") with
            {
                FlagFiles = ["verdict.json", "escaped.json"],
            });
        }),
        ConformanceCase.Of("captures-over-their-caps", h => h.WriteSpec(RunnerHarness.CommandSpec(
            "for i in $(seq 1 2000); do echo \"line $i ü\"; echo \"error $i\" >&2; done",
            limits: new SpecLimits(StdoutBytes: 1000, ResponseBytes: 501)))),
        ConformanceCase.Of("flag-files-capped-and-escapes-refused", h => h.WriteSpec(RunnerHarness.CommandSpec(
            "mkdir -p output/checks; echo '{\"flagged\": true}' > output/verdict.json; " +
            "head -c 300 /dev/zero | tr '\\0' 'x' > output/checks/big.txt; echo secret-ish > outside.txt; " +
            "ln -s ../outside.txt output/link.txt; mkfifo output/pipe") with
        {
            FlagFiles = ["verdict.json", "checks/big.txt", "missing.json", "../outside.txt", "link.txt", "/etc/passwd", "pipe"],
            Limits = new SpecLimits(FlagFileBytes: 100),
        })),
        ConformanceCase.Of("output-tar-over-its-cap", h => h.WriteSpec(RunnerHarness.CommandSpec(
            "mkdir -p output; for i in $(seq 1 400); do echo $i | sha256sum; done > output/noise.txt; echo done") with
        {
            Limits = new SpecLimits(OutputTarBytes: 1000),
        })),
        ConformanceCase.Of("claude-success", h =>
        {
            h.Environment["CLAUDE_STANDIN_REPLY"] = "The answer is 42.";
            h.WriteSpec(RunnerHarness.ClaudeSpec("What is the answer?") with { PreCommand = "echo pre", PostCommand = "echo post" });
        }),
        // The spec's env may name the work scripts' own variables (runner/phases.sh's among them): every phase still
        // runs from its own files, of the spec's kind, and sees the env's values, none the scripts set.
        ConformanceCase.Of("env-naming-the-runners-variables", h => h.WriteSpec(RunnerHarness.CommandSpec(
            $"{PrintScriptVariables} main; mkdir -p output; echo \"$kind $phase\" > output/seen.txt") with
        {
            Env = ScriptVariables("claude"),
            PreCommand = $"{PrintScriptVariables} pre",
            PostCommand = $"{PrintScriptVariables} post",
        })),
        ConformanceCase.Of("claude-with-env-naming-the-runners-variables", h =>
        {
            h.Environment["CLAUDE_STANDIN_REPLY"] = "Done.";
            var env = ScriptVariables("command");
            env["CLAUDE_STANDIN_WRITE"] = "output/claude.txt=written by claude";
            h.WriteSpec(RunnerHarness.ClaudeSpec("Write the file.") with
            {
                Env = env,
                PreCommand = $"{PrintScriptVariables} pre",
                PostCommand = $"{PrintScriptVariables} post",
            });
        }),
        ConformanceCase.Of("claude-api-error", h =>
        {
            h.Environment["CLAUDE_STANDIN_MODE"] = "api_error";
            h.WriteSpec(RunnerHarness.ClaudeSpec("Hello."));
        }),
        ConformanceCase.Of("claude-error-quoting-the-key", h =>
        {
            h.Environment["ANTHROPIC_API_KEY"] = AnthropicKey;
            h.Environment["CLAUDE_STANDIN_MODE"] = "during_execution";
            h.Environment["CLAUDE_STANDIN_ERRORS"] = $"[\"Error: request with key {AnthropicKey} was aborted\", \"Tool Bash failed: exit 2\"]";
            h.WriteSpec(RunnerHarness.ClaudeSpec("Hello."));
        }),
        ConformanceCase.Of("claude-echoing-the-key", h =>
        {
            h.Environment["ANTHROPIC_API_KEY"] = AnthropicKey;
            h.Environment["CLAUDE_STANDIN_REPLY"] = $"I found the key {AnthropicKey} in the environment.";
            h.WriteSpec(RunnerHarness.ClaudeSpec("Print your API key."));
        }),
        ConformanceCase.Of("claude-max-turns", h =>
        {
            h.Environment["CLAUDE_STANDIN_MODE"] = "max_turns";
            h.WriteSpec(RunnerHarness.ClaudeSpec("Loop.", new ClaudeSpec("m", 3, null, null, [], [], null)));
        }),
        ConformanceCase.Of("claude-crash", h =>
        {
            h.Environment["CLAUDE_STANDIN_MODE"] = "crash";
            h.WriteSpec(RunnerHarness.ClaudeSpec("Hello."));
        }),
        ConformanceCase.Of("spec-missing", _ => { }),
        ConformanceCase.Of("capture-stored-with-other-bytes", h =>
        {
            h.PutObject("runs/b1/n1/t1/0/a1/stdout.txt", Encoding.UTF8.GetBytes("someone else\n"));
            h.WriteSpec(RunnerHarness.CommandSpec("echo hello"));
        }),
    }.ToDictionary(c => c.Name, StringComparer.Ordinal);

    /// <summary>Prints, after its first argument, each name <see cref="ScriptVariables"/> sets, with its value.</summary>
    private const string PrintScriptVariables =
        "f() { echo \"$1:\"; for n in state workspace kind line phase rc pre_rc args arg skip pair __state __workspace __kind __phase __pair __pairs __args __arg __env __job __code; do echo \" $n=${!n-<unset>}\"; done; }; f";

    /// <summary>An env naming every variable runner/phases.sh had and the native work's (<c>__</c>-named), each set to
    /// junk a script reading it would trip on: another kind, a missing state folder, a vars line of another kind.</summary>
    private static Dictionary<string, string> ScriptVariables(string otherKind) => new(StringComparer.Ordinal)
    {
        ["state"] = "/nonexistent/state",
        ["workspace"] = "/nonexistent/workspace",
        ["kind"] = otherKind,
        ["line"] = $"KIND={otherKind}",
        ["phase"] = "junk-phase",
        ["rc"] = "77",
        ["pre_rc"] = "78",
        ["args"] = "junk args",
        ["arg"] = "junk-arg",
        ["skip"] = "1",
        ["pair"] = "junk-pair",
        ["__state"] = "/nonexistent/native-state",
        ["__workspace"] = "/nonexistent/native-workspace",
        ["__kind"] = otherKind,
        ["__phase"] = "junk-native-phase",
        ["__pair"] = "junk-native-pair",
        ["__pairs"] = "junk-native-pairs",
        ["__args"] = "junk native args",
        ["__arg"] = "junk-native-arg",
        ["__env"] = "junk-native-env",
        ["__job"] = "1",
        ["__code"] = "5",
    };

    private static async Task GitInputAsync(RunnerHarness harness)
    {
        var (bare, pinned) = await harness.CreateTwoCommitRepositoryAsync();
        harness.WriteSpec(RunnerHarness.CommandSpec("cat input/repo/version.txt; git -C input/repo rev-parse HEAD; git -C input/repo log --format=%s") with
        {
            Inputs = [new SpecInput("repo", Git: new SpecGit(new Uri(bare).AbsoluteUri, "main", pinned))],
        });
    }
}
