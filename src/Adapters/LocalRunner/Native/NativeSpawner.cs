using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary>
/// One long-lived bash per host process that forks each native work: no program is executed per run but the
/// user's command (and <c>claude</c>), and the host learns of each work's end from a line on the spawner's output
/// instead of a poll.
/// </summary>
/// <remarks>
/// <para>
/// The spawner is started once (per setsid and bash path) with <c>setsid bash -c SPAWNER</c>: a session of its own,
/// an empty environment, its standard input a pipe from this process. Each request on that pipe is a line with a
/// length, then that many characters: the name the work's end is reported under, the number of the work script's
/// arguments, those arguments (see <see cref="NativeExecution"/>'s work script) and its environment pairs, each as
/// one bash word in ANSI-C quotes with every byte outside printable ASCII (and every
/// quote and backslash) escaped, so the request is plain ASCII, read whole with one <c>read -N</c> (bash reads a pipe
/// one byte per system call otherwise) and split by <c>eval</c> into exactly those words. Only a whole request is
/// acted on: the spawner forks the work as a job of its own (job control: its own process group, no signal ignored on
/// its behalf), which exports exactly those variables for the work's phases. The environment travels in the pipe,
/// never in a file: it holds the job's secrets.
/// </para>
/// <para>
/// The works do not depend on the spawner or on this process: they record their pid and exit status in their state
/// folder and hold their time limit themselves. When this process ends, the spawner reads the end of its input and exits; the
/// works run on and the next host adopts them. When the spawner dies while this process lives, the next launch
/// starts another. A work that ends writes the name it was launched under on a line to the spawner's output (inherited,
/// closed for the user's processes), which wakes that work's driver at once; a work whose host has gone writes to
/// a closed pipe and ignores the failure.
/// </para>
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class NativeSpawner
{
    private const string Script = """
        set -m
        exec 2>/dev/null
        while IFS= read -r __length && [[ $__length =~ ^[0-9]+$ ]] \
          && IFS= read -r -N "$__length" __request && [ "${#__request}" -eq "$__length" ]; do
          eval "__words=($__request)" || continue
          # The work's locale set here too (not exported; only this request's): the fork inherits it loaded, so the
          # work's export of the same values does not load the locale files again (a third of a millisecond per run).
          unset -v LANG LC_ALL LC_CTYPE LC_COLLATE LC_MESSAGES LC_NUMERIC LC_TIME
          for __word in "${__words[@]:2+${__words[1]}}"; do
            case $__word in LANG=* | LC_*=*) declare "$__word" ;; esac
          done
          (
            set -- "${__words[@]:2}"
            __WORK__
            trap '' PIPE
            printf '%s\n' "${__words[0]}" >&4 2>/dev/null
            # Last, whatever the work left in its process group (its phases' leftovers) is killed, the fork with it.
            if [ -n "$__leader" ]; then kill -KILL 0; fi
          ) 4>&1 >/dev/null &
          # Out of the job table at once: nothing here waits for a work, and bash keeps every job it started until it
          # is waited for, so the table (and the cost of each later fork, which copies and then frees it) would grow
          # with every run the spawner ever launched.
          disown "$!"
        done
        """;

    private static readonly ConcurrentDictionary<(string Setsid, string Bash), NativeSpawner> Shared = new();

    private readonly string _setsidPath;
    private readonly string _bashPath;
    private readonly string _script;
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<bool>> _waiters = new(StringComparer.Ordinal);
    private Process? _process;

    private NativeSpawner(string setsidPath, string bashPath, string workScript)
    {
        _setsidPath = setsidPath;
        _bashPath = bashPath;
        // Inline in the loop, not a function: bash copies a function's whole body at every call (about 0.1 ms of a
        // fork's CPU for the work's, and its copy-on-write faults).
        _script = Script.Replace("__WORK__", workScript, StringComparison.Ordinal);
    }

    /// <summary>This process's spawner for those programs (started at its first launch).</summary>
    /// <param name="setsidPath">setsid.</param>
    /// <param name="bashPath">bash.</param>
    /// <param name="workScript">The bash each work runs in its fork, with the work's arguments as its positional parameters.</param>
    /// <returns>The spawner.</returns>
    public static NativeSpawner For(string setsidPath, string bashPath, string workScript) =>
        Shared.GetOrAdd((setsidPath, bashPath), key => new NativeSpawner(key.Setsid, key.Bash, workScript));

    /// <summary>This process's spawner for those programs, if a launch made one (tests).</summary>
    /// <param name="setsidPath">setsid.</param>
    /// <param name="bashPath">bash.</param>
    /// <returns>The spawner or null.</returns>
    internal static NativeSpawner? Existing(string setsidPath, string bashPath) => Shared.GetValueOrDefault((setsidPath, bashPath));

    /// <summary>The spawner's pid, while one runs (tests).</summary>
    internal int? ProcessId
    {
        get
        {
            lock (_gate)
            {
                return _process is { HasExited: false } p ? p.Id : null;
            }
        }
    }

    /// <summary>Hands one work to the spawner.</summary>
    /// <param name="name">The name the work's end is reported under (see <see cref="Ended"/>).</param>
    /// <param name="arguments">The work script's arguments.</param>
    /// <param name="environment">Exactly the variables the work is to have.</param>
    /// <exception cref="IOException">Neither the running spawner nor a new one took the request.</exception>
    public void Launch(string name, IReadOnlyList<string> arguments, IEnumerable<KeyValuePair<string, string>> environment)
    {
        // The name, the number of the work script's arguments, they, then the environment's pairs.
        var words = new StringBuilder();
        AppendWord(words, name);
        AppendWord(words, arguments.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var argument in arguments)
        {
            AppendWord(words, argument);
        }

        foreach (var (variable, value) in environment)
        {
            AppendWord(words, variable + "=" + value);
        }

        var bytes = Encoding.ASCII.GetBytes(words.Length.ToString(CultureInfo.InvariantCulture) + "\n" + words);
        lock (_gate)
        {
            for (var attempt = 0; ; attempt++)
            {
                var process = Running();
                try
                {
                    var input = process.StandardInput.BaseStream;
                    input.Write(bytes);
                    input.Flush();
                    return;
                }
                catch (IOException) when (attempt == 0)
                {
                    // The spawner died (its input is closed): the request never reached a whole read; start another.
                    Stop(process);
                }
            }
        }
    }

    /// <summary>A task that completes when the work launched under <paramref name="name"/> reports its end (register before checking its exit file).</summary>
    /// <param name="name">The name the work was launched under.</param>
    /// <returns>The task: true once the work reported its end, false when the spawner's output ended first (poll then).</returns>
    public Task<bool> Ended(string name) =>
        _waiters.GetOrAdd(name, _ => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Drops the waiter of a work that is no longer watched here.</summary>
    /// <param name="name">The name it was launched under.</param>
    public void Forget(string name) => _waiters.TryRemove(name, out _);

    /// <summary>Appends <paramref name="value"/> as one bash word in ANSI-C quotes (<c>$'...'</c>), in printable ASCII only.</summary>
    private static void AppendWord(StringBuilder words, string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A work's argument or environment value cannot hold a NUL character.", nameof(value));
        }

        words.Append("$'");
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is (byte)'\\' or (byte)'\'')
            {
                words.Append('\\').Append((char)b);
            }
            else if (b is >= 0x20 and < 0x7f)
            {
                words.Append((char)b);
            }
            else
            {
                words.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
            }
        }

        words.Append("' ");
    }

    private Process Running()
    {
        if (_process is { HasExited: false } running)
        {
            return running;
        }

        if (_process is { } dead)
        {
            Stop(dead);
        }

        var start = new ProcessStartInfo(_setsidPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            WorkingDirectory = "/",
        };
        foreach (var argument in (string[])[_bashPath, "-c", _script, "orchestration-native-spawner"])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        var process = Process.Start(start) ?? throw new IOException("the native spawner did not start");
        _process = process;
        _ = Task.Run(() => ReadEndsAsync(process));
        return process;
    }

    private void Stop(Process process)
    {
        try
        {
            process.StandardInput.Dispose();
        }
        catch (IOException)
        {
            // Already broken.
        }

        if (ReferenceEquals(_process, process))
        {
            _process = null;
        }

        // Not disposed: that would close its output, which the works it forked still report their ends on.
    }

    private async Task ReadEndsAsync(Process process)
    {
        try
        {
            while (await process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (_waiters.TryRemove(line, out var waiter))
                {
                    waiter.TrySetResult(true);
                }
            }
        }
        catch (IOException)
        {
            // The pipe broke: as its end.
        }

        // Nobody is left to report ends on this output: wake every driver, they poll.
        foreach (var key in _waiters.Keys)
        {
            if (_waiters.TryRemove(key, out var waiter))
            {
                waiter.TrySetResult(false);
            }
        }
    }
}
