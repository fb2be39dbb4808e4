using System.Diagnostics;
using System.Globalization;

namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary>Setup: spec.json, the inputs, Claude's version (runner.sh's read_spec and unpack_inputs).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed partial class NativeExecution
{
    private async Task<NativeSpec> SetupAsync()
    {
        // A resumed setup starts again from the claim: the notes of the interrupted one go.
        if (long.TryParse(_journal.Read("claimed"), NumberStyles.None, CultureInfo.InvariantCulture, out var notesLength) && new FileInfo(NotesFile).Length > notesLength)
        {
            using var notes = new FileStream(NotesFile, FileMode.Open, FileAccess.Write);
            notes.SetLength(notesLength);
        }

        var spec = await ReadSpecAsync();
        if (!Terminated)
        {
            await UnpackInputsAsync(spec);
        }

        var claudeVersion = string.Empty;
        if (spec.Kind == "claude" && !Terminated)
        {
            claudeVersion = await ClaudeVersionAsync();
        }

        _journal.Record("claude.version", claudeVersion);
        if (Terminated)
        {
            _journal.TryRecord("terminate.requested", NowIso(_settings.Time.GetUtcNow()));
            _journal.TryRecord("work.none", NowIso(_settings.Time.GetUtcNow()));
        }
        else
        {
            Launch(spec);
        }

        return spec;
    }

    private async Task<NativeSpec> ReadSpecAsync()
    {
        var uri = _env[Domain.Specs.RunnerContract.SpecUriVariable];
        byte[] json;
        try
        {
            json = await _objects.ReadAsync(uri, null, _abandon);
        }
        catch (NativeStorageException ex)
        {
            Note($"ERROR: (gcloud.storage.cp) {ex.Message}\n");
            throw new NativeDie($"could not download {uri}");
        }

        WriteScratch(At("spec.json"), json);
        NativeSpec spec;
        try
        {
            spec = NativeSpec.Lay(json, _scratch, SkipPermissions());
        }
        catch (NativeSpecException ex)
        {
            Note($"runner-lib: {ex.Message}\n");
            throw new NativeDie("spec.json is not valid");
        }

        if (spec.RunnerVersion != RunnerVersion)
        {
            Log($"spec.json was written for runner version {spec.RunnerVersion}; this is version {RunnerVersion}");
        }

        return spec;
    }

    private bool SkipPermissions() =>
        _env.TryGetValue("RUNNER_CLAUDE_SKIP_PERMISSIONS", out var skip) && skip == "1" && Environment.UserName != "root" && GetUid() != 0;

    private static uint GetUid()
    {
        var status = LocalStateFiles.ReadText("/proc/self/status") ?? string.Empty;
        var line = status.Split('\n').FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        var fields = line?.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
        return fields is { Length: > 1 } && uint.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var uid) ? uid : uint.MaxValue;
    }

    private async Task UnpackInputsAsync(NativeSpec spec)
    {
        var input = Path.Combine(_workspace, "input");
        try
        {
            // Freshly cleared: a resumed setup must not find half of an earlier attempt's inputs.
            if (Directory.Exists(input))
            {
                Directory.Delete(input, recursive: true);
            }

            Directory.CreateDirectory(input);
            Directory.CreateDirectory(Path.Combine(_workspace, "output"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new NativeDie($"cannot create the workspace under {_workspace}");
        }

        foreach (var record in spec.Inputs)
        {
            if (Terminated)
            {
                return;
            }

            Step("setup");
            var (type, name, source, extra) = (record[0], record[1], record[2], record[3]);
            bool ok;
            try
            {
                ok = type switch
                {
                    "bundle" => await InputBundleAsync(name, source),
                    "git" => await InputGitAsync(name, source, extra),
                    _ => await InputGcsAsync(name, source, extra),
                };
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                Note($"{ex.Message}\n");
                ok = false;
            }

            // A fetch stopped by a terminate is no failure of the input: the attempt ends as cancelled.
            if (Terminated)
            {
                return;
            }

            if (!ok)
            {
                throw new NativeDie($"input '{name}' ({type}) refused or unavailable");
            }
        }
    }

    /// <summary>The destination of an input, which must stay under the input root even through existing links.</summary>
    private string? InputDestination(string name)
    {
        var root = Path.Combine(_workspace, "input");
        var dest = name == "." ? root : Path.Combine(root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
        var real = NativePaths.RealPath(dest, allowMissing: true);
        var realRoot = NativePaths.RealPath(root, allowMissing: false);
        if (real is not null && realRoot is not null && (real + "/").StartsWith(realRoot + "/", StringComparison.Ordinal))
        {
            return dest;
        }

        Log($"input '{name}' would leave the input folder");
        return null;
    }

    private async Task<bool> InputBundleAsync(string name, string uri)
    {
        if (InputDestination(name) is not { } dest)
        {
            return false;
        }

        var bundle = At("bundle.tar.gz");
        try
        {
            await _objects.DownloadAsync(uri, null, bundle, _abandon);
        }
        catch (NativeStorageException ex)
        {
            Note($"ERROR: (gcloud.storage.cp) {ex.Message}\n");
            Log($"could not download {uri}");
            return false;
        }

        if (NativeTar.Check(bundle) is { } refusal)
        {
            if (refusal.StartsWith("not a tar.gz", StringComparison.Ordinal))
            {
                Log($"{uri} is not a tar.gz");
            }
            else
            {
                Note($"runner-lib: {refusal}\n");
            }

            return false;
        }

        Directory.CreateDirectory(dest);
        NativeTar.Extract(bundle, dest);
        File.Delete(bundle);
        return true;
    }

    private async Task<bool> InputGitAsync(string name, string url, string commit)
    {
        if (InputDestination(name) is not { } dest)
        {
            return false;
        }

        if (Directory.Exists(dest) && Directory.EnumerateFileSystemEntries(dest).Any())
        {
            Log($"input '{name}': {dest} is not empty");
            return false;
        }

        var config = new List<string> { "-c", "advice.detachedHead=false", "-c", "protocol.allow=never", "-c", "protocol.https.allow=always" };
        if (_env.TryGetValue("RUNNER_ALLOW_FILE_GIT", out var allowFile) && allowFile == "1")
        {
            config.AddRange(["-c", "protocol.file.allow=always"]);
        }

        if (_env.GetValueOrDefault("GITHUB_TOKEN", string.Empty).Length + _env.GetValueOrDefault("GH_TOKEN", string.Empty).Length > 0)
        {
            // The helper reads the token from the environment, so it never appears in an argument list.
            config.AddRange(["-c", "credential.helper=", "-c", "credential.helper=!f() { test \"$1\" = get || exit 0; echo username=x-access-token; echo \"password=${GITHUB_TOKEN:-$GH_TOKEN}\"; }; f"]);
        }

        var env = new Dictionary<string, string>(_env, StringComparer.Ordinal) { ["GIT_TERMINAL_PROMPT"] = "0" };
        string[] In(params string[] rest) => ["-C", dest, .. config, .. rest];
        if (await RunToolAsync("git", [.. config, "init", "-q", dest], env, StderrTo.Notes) != 0
            || await RunToolAsync("git", In("remote", "add", "origin", url), env, StderrTo.Log) != 0)
        {
            return false;
        }

        if (await RunToolAsync("git", In("fetch", "-q", "--depth", "1", "origin", commit), env, StderrTo.None) != 0)
        {
            if (Terminated)
            {
                return false;
            }

            if (await RunToolAsync("git", In("fetch", "-q", "origin", "+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"), env, StderrTo.Notes) != 0)
            {
                Log($"could not fetch {url}");
                return false;
            }
        }

        if (await RunToolAsync("git", In("checkout", "-q", "--detach", commit), env, StderrTo.Notes) != 0)
        {
            Log($"commit {commit} is not in {url}");
            return false;
        }

        var head = await RunToolAsync("git", ["-C", dest, "rev-parse", "HEAD"], env, StderrTo.Log, captureStdout: true);
        if (head.Code != 0 || head.Stdout.Trim() != commit)
        {
            Log($"input '{name}' is not at {commit}");
            return false;
        }

        await File.AppendAllTextAsync(At("git.nul"), $"{name}\0{commit}\0", _abandon);
        return true;
    }

    private async Task<bool> InputGcsAsync(string name, string uri, string generation)
    {
        if (InputDestination(name) is not { } dest)
        {
            return false;
        }

        if (uri.EndsWith('/'))
        {
            Directory.CreateDirectory(dest);
            try
            {
                NativeObjects.TryParse(uri, out var bucket, out var prefix);
                foreach (var name2 in await _objects.ListAsync(uri, _abandon))
                {
                    var target = Path.Combine(dest, name2[prefix.Length..]);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    await _objects.DownloadAsync($"gs://{bucket}/{name2}", null, target, _abandon);
                }
            }
            catch (NativeStorageException ex)
            {
                Note($"ERROR: (gcloud.storage.cp) {ex.Message}\n");
                Log($"could not copy {uri}");
                return false;
            }

            var special = new DirectoryInfo(dest).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
                .FirstOrDefault(i => i.LinkTarget is not null);
            if (special is not null)
            {
                Note($"runner-lib: refusing {special.FullName}: not a regular file or folder\n");
                return false;
            }

            return true;
        }

        var source = generation.Length > 0 ? $"{uri}#{generation}" : uri;
        try
        {
            var target = Directory.Exists(dest) ? Path.Combine(dest, uri[(uri.LastIndexOf('/') + 1)..]) : dest;
            await _objects.DownloadAsync(uri, generation, target, _abandon);
        }
        catch (NativeStorageException ex)
        {
            Note($"ERROR: (gcloud.storage.cp) {ex.Message}\n");
            Log($"could not copy {source}");
            return false;
        }

        return true;
    }

    private async Task<string> ClaudeVersionAsync()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = await RunToolAsync("claude", ["--version"], _env, StderrTo.None, captureStdout: true, limit.Token);
        var first = result.Stdout.Split('\n')[0];
        return result.Code is null ? string.Empty : first.Split(' ')[0];
    }

    private enum StderrTo
    {
        None,
        Notes,
        Log,
    }

    private async Task<int?> RunToolAsync(string program, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> env, StderrTo stderr) =>
        (await RunToolAsync(program, args, env, stderr, captureStdout: false)).Code;

    /// <summary>Runs a setup tool (git, claude) as runner.sh's <c>interruptible</c> does: a terminate stops it (TERM, KILL a second later) and gives null.</summary>
    private async Task<(int? Code, string Stdout)> RunToolAsync(string program, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> env, StderrTo stderr, bool captureStdout, CancellationToken limit = default)
    {
        if (Terminated)
        {
            return (null, string.Empty);
        }

        if (NativePaths.Which(program, env) is not { } path)
        {
            if (stderr == StderrTo.Notes)
            {
                Note($"{program}: command not found\n");
            }

            return (127, string.Empty);
        }

        var start = new ProcessStartInfo(path)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory.Exists(_workspace) ? _workspace : _scratch,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Clear();
        foreach (var (name, value) in env)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new IOException($"could not start {program}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(_abandon);
        var errors = process.StandardError.ReadToEndAsync(_abandon);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_terminate, limit, _abandon);
        try
        {
            await process.WaitForExitAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            _abandon.ThrowIfCancellationRequested();
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(_abandon);
            return (null, string.Empty);
        }

        var errorText = await errors;
        if (stderr == StderrTo.Notes)
        {
            Note(errorText);
        }
        else if (stderr == StderrTo.Log && errorText.Length > 0)
        {
            _logger.NativeRunnerNote(_execution, errorText.TrimEnd());
        }

        return (process.ExitCode, captureStdout ? await stdout : string.Empty);
    }
}
