using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Orchestration.Domain.Specs;

namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary>One execution driven by <see cref="NativeExecutor"/>: the journal in its state folder and the steps of runner.sh.</summary>
/// <remarks>
/// <para>
/// Every step is recorded in the execution's <see cref="NativeJournal"/> (one file in the state folder, each
/// record on disk before the step goes on), so a driver resumed after a host crash knows what happened:
/// <c>setup.started</c> (epoch seconds of the first start: a resumed setup still counts from it), <c>claimed</c>,
/// <c>claude.version</c>, <c>work.launched</c> (recorded right before the work is handed to the spawner, once
/// per launch: a resumed driver launches again only a launch cut short, see RelaunchIfCut), <c>work.none</c> (cancelled before the work), <c>terminate.requested</c>,
/// <c>work.judged</c>, <c>output.packed</c> and <c>output.after-result</c>. Files of their own: <c>work.pid</c>
/// and <c>work.exit</c> (written by the work's wrapper), <c>upload/</c> (the captures and result.json, written
/// once) and <c>exit</c>.
/// </para>
/// <para>
/// The work runs detached (forked by the <see cref="NativeSpawner"/>, in a session of its own), so it outlives the
/// host; the driver only watches it.
/// </para>
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed partial class NativeExecution
{
    /// <summary>runner.sh's RUNNER_VERSION.</summary>
    public const string RunnerVersion = "1";

    private readonly Dictionary<string, string> _env;
    private readonly string _objectsRoot;
    private readonly string _state;
    private readonly string _scratch;
    private readonly string _workspace;
    private readonly ILogger _logger;
    private readonly NativeExecutorSettings _settings;
    private readonly NativeObjects _objects;
    private readonly NativeScrubber _scrubber;
    private readonly NativeJournal _journal;
    private readonly NativeSpawner _spawner;
    private readonly CancellationToken _terminate;
    private readonly CancellationToken _abandon;
    private string _runPrefix = string.Empty;
    private string _execution = string.Empty;
    private bool _claimed;

    public NativeExecution(NativeExecutionRequest request, ILogger logger, NativeExecutorSettings settings, CancellationToken terminate, CancellationToken abandon)
    {
        _env = new Dictionary<string, string>(request.Environment, StringComparer.Ordinal);
        _objectsRoot = Path.GetFullPath(request.ObjectsRoot);
        _state = Path.GetFullPath(request.StateFolder);
        _scratch = request.ScratchFolder is { } scratch ? Path.GetFullPath(scratch) : _state;
        _workspace = _env.TryGetValue(LocalJobRunner.WorkspaceVariable, out var w) && w.Length > 0 ? w : "/workspace";
        _logger = logger;
        _settings = settings;
        _objects = new NativeObjects(_objectsRoot, _env);
        _scrubber = new NativeScrubber(_env);
        _journal = new NativeJournal(At("journal"));
        _spawner = NativeSpawner.For(settings.SetsidPath, settings.BashPath, WorkScript);
        _terminate = terminate;
        _abandon = abandon;
    }

    private string NotesFile => At("runner.notes");

    private string UploadFolder => At("upload");

    private bool Terminated => _terminate.IsCancellationRequested || _journal.Has("terminate.requested");

    /// <summary>Runs or resumes the execution; see <see cref="NativeExecutor.RunAsync(NativeExecutionRequest, Microsoft.Extensions.Logging.ILogger, CancellationToken, CancellationToken)"/>.</summary>
    public async Task<int> RunAsync()
    {
        try
        {
            return await RunCoreAsync();
        }
        finally
        {
            _journal.Dispose();
        }
    }

    private async Task<int> RunCoreAsync()
    {
        Directory.CreateDirectory(_state);
        if (ReadExit() is { } done)
        {
            return done;
        }

        _abandon.ThrowIfCancellationRequested();
        try
        {
            if (_scratch != _state && !Directory.Exists(_scratch) && (_journal.Has("work.launched") || _journal.Has("work.none")))
            {
                // Past the launch, and its working files are gone: the machine restarted (they live in memory) and took
                // the work with it. What the work did cannot be known, so it is lost, and never run again here. (Before
                // the launch nothing is lost: the setup is done again.)
                _claimed = _journal.Has("claimed");
                RequireEnvironment();
                Directory.CreateDirectory(_scratch);
                throw new NativeDie("the execution's working files were lost (the machine restarted?); the attempt cannot be finished");
            }

            Directory.CreateDirectory(_scratch);
            var code = await DriveAsync();
            return Finish(code);
        }
        catch (NativeDie die)
        {
            await FailAsync(die.Message);
            return Finish(1);
        }
    }

    /// <summary>The execution's own exit file, if it ended.</summary>
    public int? ReadExit() =>
        LocalStateFiles.ReadText(At("exit")) is { } text && int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code) ? code : null;

    /// <summary>Reads a working file whole with plain reads: working files are small (capped captures, the spec) and
    /// mostly in memory (the scratch folder), and on Linux an asynchronous file read is a plain one run on another
    /// thread-pool thread, a hop that costs more than such a read.</summary>
    private static byte[] ReadScratch(string path) => File.ReadAllBytes(path);

    /// <summary>Writes a working file whole with plain writes (see <see cref="ReadScratch"/>).</summary>
    private static void WriteScratch(string path, byte[] bytes) => File.WriteAllBytes(path, bytes);

    private static string NowIso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private async Task<int> DriveAsync()
    {
        _journal.TryRecord("setup.started", _settings.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        if (!File.Exists(NotesFile))
        {
            LocalStateFiles.TryCreateText(NotesFile, string.Empty);
        }

        RequireEnvironment();
        if (!_journal.Has("claimed"))
        {
            if (!await ClaimAsync())
            {
                return 0;
            }

            _journal.TryRecord("claimed", new FileInfo(NotesFile).Length.ToString(CultureInfo.InvariantCulture));
        }

        Step("claimed");

        _claimed = true;
        NativeSpec spec;
        if (!_journal.Has("work.launched") && !_journal.Has("work.none"))
        {
            spec = await SetupAsync();
        }
        else
        {
            spec = NativeSpec.Read(await File.ReadAllBytesAsync(At("spec.json"), _abandon));
        }

        var work = _journal.Has("work.launched") ? await WaitWorkAsync(spec) : null;
        await FinishAndUploadAsync(spec, work);
        return 0;
    }

    private void RequireEnvironment()
    {
        foreach (var name in (string[])[RunnerContract.SpecUriVariable, RunnerContract.PrefixVariable, RunnerContract.ExecutionVariable])
        {
            if (!_env.TryGetValue(name, out var value) || value.Length == 0)
            {
                throw new NativeDie($"{name} is not set");
            }
        }

        _runPrefix = _env[RunnerContract.PrefixVariable];
        _execution = _env[RunnerContract.ExecutionVariable];
        if (!_runPrefix.StartsWith("gs://", StringComparison.Ordinal) || !_runPrefix.EndsWith('/') || _runPrefix.Length <= 6)
        {
            throw new NativeDie("RUN_PREFIX must be a gs:// prefix ending in '/'");
        }
    }

    /// <summary>Creates the claim if absent; false for a duplicate (the exit is then written).</summary>
    private async Task<bool> ClaimAsync()
    {
        var claim = new StringBuilder("{\"execution\":");
        JsJson.WriteString(claim, _execution);
        claim.Append(",\"startedAt\":");
        JsJson.WriteString(claim, NowIso(_settings.Time.GetUtcNow()));
        claim.Append("}\n");
        try
        {
            if (await _objects.TryCreateAsync(_runPrefix + RunnerContract.ClaimObject, Encoding.UTF8.GetBytes(claim.ToString()), _abandon))
            {
                return true;
            }
        }
        catch (NativeStorageException ex)
        {
            throw new NativeDie($"could not claim the attempt: ERROR: (gcloud.storage.cp) {ex.Message}");
        }

        string owner;
        try
        {
            var existing = await _objects.ReadAsync(_runPrefix + RunnerContract.ClaimObject, null, _abandon);
            using var document = System.Text.Json.JsonDocument.Parse(existing);
            owner = NativeSpec.Member(document.RootElement, "execution") is { ValueKind: System.Text.Json.JsonValueKind.String } e ? e.GetString()! : string.Empty;
        }
        catch (Exception ex) when (ex is NativeStorageException or System.Text.Json.JsonException)
        {
            throw new NativeDie("could not read the existing claim");
        }

        if (owner != _execution)
        {
            _logger.NativeDuplicate(_execution, owner);
            Finish(0);
            return false;
        }

        Log("the claim already names this execution (a retried upload); going on");
        return true;
    }

    /// <summary>runner.sh's <c>log</c>: the logger, and a "[runner] " line in runner.notes (hence stderr.txt).</summary>
    private void Log(string message)
    {
        _logger.NativeRunnerNote(_execution, message);
        File.AppendAllText(NotesFile, $"[runner] {message}\n");
    }

    private void Note(string text) => File.AppendAllText(NotesFile, text);

    /// <summary>An infrastructure failure: once the attempt is claimed, the reason goes up as stderr.txt (no result.json).</summary>
    private async Task FailAsync(string message)
    {
        _logger.NativeRunnerNote(_execution, message);
        if (!_claimed)
        {
            return;
        }

        var notes = File.Exists(At("notes.final")) ? At("notes.final") : NotesFile;
        var text = (File.Exists(notes) ? await File.ReadAllBytesAsync(notes, _abandon) : []).Concat(Encoding.UTF8.GetBytes($"[runner] {message}\n")).ToArray();
        try
        {
            await _objects.TryCreateAsync(_runPrefix + RunnerContract.StderrObject, _scrubber.Scrub(text), _abandon);
        }
        catch (Exception ex) when (ex is NativeStorageException or IOException)
        {
            // runner.sh ignores this upload's failure too: the exit status says it all.
        }
    }

    /// <summary>Writes <c>exit</c>, then removes the rest of the state folder: the raw captures are unscrubbed, and nothing reads them once <c>exit</c> exists (runner.sh removes its state at exit too).</summary>
    private int Finish(int code)
    {
        LocalStateFiles.WriteText(At("exit"), code.ToString(CultureInfo.InvariantCulture) + "\n");
        if (_scratch != _state)
        {
            try
            {
                Directory.Delete(_scratch, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left behind: a memory file system is emptied at the next restart.
            }
        }

        foreach (var entry in new DirectoryInfo(_state).EnumerateFileSystemInfos())
        {
            if (entry.Name == "exit")
            {
                continue;
            }

            try
            {
                if (entry is DirectoryInfo folder && folder.LinkTarget is null)
                {
                    folder.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left for the execution folder's removal.
            }
        }

        return code;
    }

    /// <summary>A journal step: tests may abandon the driver here (the settings' hook), as a host crash would.</summary>
    private void Step(string name)
    {
        _settings.OnStep?.Invoke(name);
        _abandon.ThrowIfCancellationRequested();
    }

    // The journal and the exit status in the state folder; every other file in the scratch folder.
    private string At(string name) => Path.Combine(name is "journal" or "exit" ? _state : _scratch, name);
}
