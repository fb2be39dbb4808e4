using System.Globalization;

namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary>The work: launched once, detached, watched (runner.sh's run_work, crash-safe).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed partial class NativeExecution
{
    /// <summary>
    /// The script <see cref="NativeSpawner"/>'s bash runs in a fork of its own per work (a job: a process group of its own),
    /// inline rather than as a function, with the positional parameters <c>STATE WORKSPACE LIMIT KILL_AFTER GRACE KIND PID_FILE NAME=VALUE...</c>,
    /// with no variable exported but bash's own. It runs the phases of runner/phases.sh (preCommand, the command or
    /// Claude, postCommand; the same files, exit codes, notes and <c>bash PHASE.sh</c> per phase) in a subshell
    /// instead of a bash of its own under <c>timeout</c>.
    /// <para>
    /// It first creates PID_FILE (<c>work.pid</c>, then <c>work.pid.2</c>... per launch) with "pid starttime", with
    /// noclobber: when the name is taken (a driver gave this launch up, see <see cref="RelaunchIfCut"/>) or cannot be
    /// written (nobody could watch the work), nothing runs. It handles TERM as runner.sh's on_term does (TERM to the
    /// work's process group, KILL after GRACE; deferred, not ignored, so the work does not inherit an ignored signal).
    /// </para>
    /// <para>
    /// The phases' subshell has a process group of its own (job control): it is what a deadline or a cancel signals,
    /// as <c>timeout</c>'s group is in the container. The time limit is held by the work's own bash, without a
    /// process of its own: it waits with <c>read -t LIMIT</c> on the FIFO <c>timer</c>, which nothing ever writes and
    /// whose only writer is the phases' subshell (closed for every phase it starts), so the read ends at end of file
    /// when that subshell ends, or at LIMIT: then it writes <c>work.timeout</c> and TERMs the work's group, KILL_AFTER
    /// later KILLs it, as <c>timeout --kill-after</c> does, so the limit holds without the host. (A TERM's trap runs
    /// during the read, which then goes on with its limit.) The status is <c>timeout</c>'s: 124 after the limit (137 when the KILL
    /// was needed), else the phases' (0 once every phase ended, 90 when the workspace is missing, 128+N for a
    /// signal). It goes to <c>work.exit</c>, then whatever is left in the work's group is killed. The pid and exit
    /// files are written by one <c>printf</c> each and count only once their line is whole
    /// (<see cref="LocalProcess.ReadLine"/>): a reader never acts on half of one.
    /// </para>
    /// <para>
    /// Builtins only: each program executed per run costs about a millisecond of CPU. The environment
    /// (NAME=VALUE...) is exported only in the phases' subshell, with the spec's env after it, once nothing is left
    /// to read from a variable (see there), so it may name any variable. Fd 4 (the spawner's output) is closed for
    /// everything it starts.
    /// </para>
    /// </summary>
    private const string WorkScript = """
        __state=$1 __workspace=$2 __limit=$3 __kill_after=$4 __grace=$5 __kind=$6 __pid_file=$7
        shift 7
        __env=("$@")
        cd "$__workspace" 2>/dev/null
        exec </dev/null >>"$__state/work.log" 2>&1
        __term= __job= __sent=
        __on_term() {
          __term=1
          if [ -n "$__job" ] && [ -z "$__sent" ]; then
            __sent=1
            kill -TERM -- "-$__job" 2>/dev/null
            (read -t "$__grace" -u 5; kill -KILL -- "-$__job") >/dev/null 2>&1 4>&- 6>&- &
          fi
        }
        trap __on_term TERM
        read -r __stat <"/proc/$BASHPID/stat"
        # Split by word splitting (the fields after the command name are numbers and a state letter): a here-string
        # would be a pipe, which read takes one byte per system call (about 300 a run).
        set -f
        __fields=(${__stat##*) })
        set +f
        # Created, never overwritten (noclobber): a driver that gave this launch up took the name first. Without the
        # timer or the pid file nothing runs and no exit is written.
        if [ -p "$__state/timer" ] && { set -C; printf '%s %s\n' "$BASHPID" "${__fields[19]}" > "$__state/$__pid_file"; }; then
          set +C
          if [ -n "$__term" ]; then
            __code=143
          # The timer's two ends: 6 a writer only the phases' subshell keeps, 5 the reader the limit is waited on.
          elif ! exec 6<>"$__state/timer" 5<"$__state/timer"; then
            __code=125
          else
            set -m
            (
              set +m
              trap - TERM
              cd "$__workspace" || exit 90
              # As runner/phases.sh: everything the phases need is read before the exports and kept in the positional
              # parameters ($1 the state folder, $2 the kind, then claude's arguments), the one kind of name an export
              # cannot set; no variable is read after them, so the environment may name any variable, these included.
              __pairs=("${__env[@]}")
              while IFS= read -r -d '' __pair; do __pairs+=("$__pair"); done <"$__state/env.nul"
              __args=()
              if [ "$__kind" = claude ]; then
                while IFS= read -r -d '' __arg; do __args+=("$__arg"); done <"$__state/claude.args"
              fi
              set -- "$__state" "$__kind" "${#__pairs[@]}" "${__pairs[@]}" "${__args[@]}"
              unset -v __state __workspace __limit __kill_after __grace __kind __pid_file __term __job __sent __stat __fields __env __pairs __pair __args __arg
              if (($3 > 0)); then export "${@:4:$3}"; fi
              set -- "$1" "$2" "${@:4+$3}"
              __phase() { # STATE PHASE: the phase's exit status
                : >"$1/$2.started"
                (
                  unset -v ANTHROPIC_API_KEY ANTHROPIC_AUTH_TOKEN CLAUDE_CODE_OAUTH_TOKEN
                  exec bash "$1/$2.sh"
                ) </dev/null >"$1/$2.out" 2>"$1/$2.err" 6>&-
                set -- "$1" "$2" "$?"
                echo "$3" >"$1/$2.rc"
                if [ "$3" != 0 ]; then
                  case "$2" in
                    pre) echo "[runner] preCommand exited $3; the main phase did not run" >>"$1/runner.notes" ;;
                    post) echo "[runner] postCommand exited $3" >>"$1/runner.notes" ;;
                  esac
                fi
                return "$3"
              }
              if [ -f "$1/pre.sh" ] && ! __phase "$1" pre; then
                if [ -f "$1/post.sh" ]; then __phase "$1" post; fi
                exit 0
              fi
              if [ "$2" = claude ]; then
                : >"$1/main.started"
                claude "${@:3}" <"$1/prompt.txt" >"$1/transcript.jsonl" 2>"$1/main.err" 6>&-
                echo "$?" >"$1/main.rc"
              elif [ -f "$1/main.sh" ]; then
                __phase "$1" main
              fi
              if [ -f "$1/post.sh" ]; then __phase "$1" post; fi
              exit 0
            ) 4>&- 5<&- &
            __job=$!
            set +m
            exec 6>&-
            if [ -n "$__term" ]; then __on_term; fi
            # The limit: the read ends at the end of the phases' subshell (its writer closes: end of file, status 1) or
            # at LIMIT (status over 128); a TERM's trap runs during it and the read goes on.
            read -t "$__limit" -u 5
            __rc=$?
            if ((__rc > 128)); then
              printf 'term\n' >"$__state/work.timeout"
              kill -TERM -- "-$__job" 2>/dev/null
              read -t "$__kill_after" -u 5
              __rc=$?
              if ((__rc > 128)); then
                printf 'kill\n' >>"$__state/work.timeout"
                kill -KILL -- "-$__job" 2>/dev/null
              fi
            fi
            while :; do
              wait "$__job"
              __code=$?
              kill -0 "$__job" 2>/dev/null || break
            done
            kill -KILL -- "-$__job" 2>/dev/null
            if [ -f "$__state/work.timeout" ]; then
              __code=124
              while IFS= read -r __line; do
                if [ "$__line" = kill ]; then __code=137; fi
              done <"$__state/work.timeout"
            fi
          fi
          printf '%s\n' "$__code" > "$__state/work.exit"
        fi
        trap - TERM
        """;

    /// <summary>How many times a work is launched at most when its launches are cut short (see <see cref="RelaunchIfCut"/>).</summary>
    private const int MaxLaunches = 3;

    /// <summary>What the driver writes in a launch's pid file when it gives the launch up (a pid never reads so).</summary>
    private const string GivenUp = "none\n";

    private void Launch(NativeSpec spec, int generation = 1)
    {
        var started = long.Parse(_journal.Read("setup.started")!.Trim(), CultureInfo.InvariantCulture);
        var elapsed = _settings.Time.GetUtcNow().ToUnixTimeSeconds() - started;
        var limit = spec.TimeoutSeconds;
        if (elapsed > spec.SetupSeconds)
        {
            limit = Math.Max(1, spec.TimeoutSeconds - (elapsed - spec.SetupSeconds));
            Log($"the setup took {elapsed}s, past its allowance of {spec.SetupSeconds}s: the work gets {limit}s of its {spec.TimeoutSeconds}s");
        }

        var env = new Dictionary<string, string>(_env, StringComparer.Ordinal)
        {
            ["CLOUDSDK_STORAGE_PARALLEL_COMPOSITE_UPLOAD_ENABLED"] = "False",
        };
        if (spec.Kind == "command")
        {
            // Command tasks never see the Anthropic credentials (the job does not mount them either).
            env.Remove("ANTHROPIC_API_KEY");
            env.Remove("ANTHROPIC_AUTH_TOKEN");
            env.Remove("CLAUDE_CODE_OAUTH_TOKEN");
        }

        var killAfter = _env.GetValueOrDefault("RUNNER_KILL_AFTER_SECONDS", "5");
        var grace = _env.GetValueOrDefault("RUNNER_CANCEL_GRACE_SECONDS", "2");
        string[] arguments = [_scratch, _workspace, limit.ToString(CultureInfo.InvariantCulture), killAfter, grace, spec.Kind, PidFileName(generation)];
        try
        {
            // The work's timer waits on it (see WorkScript): a FIFO nothing writes, so only its read's time limit ends the wait.
            LocalProcess.MakeFifo(At("timer"));
        }
        catch (IOException ex)
        {
            throw new NativeDie($"cannot create the work's timer: {ex.Message}");
        }

        // The launch: once this record exists no driver launches this generation again, whatever happens next (a later
        // one only once this one's pid file is taken from it: RelaunchIfCut).
        var startedAt = NowIso(_settings.Time.GetUtcNow());
        var record = $"{startedAt}\n{limit.ToString(CultureInfo.InvariantCulture)}\n{generation.ToString(CultureInfo.InvariantCulture)}\n";
        if (generation == 1 && !_journal.TryRecord("work.launched", record))
        {
            return;
        }

        if (generation > 1)
        {
            _journal.Record("work.launched", record);
        }

        _settings.OnLaunching?.Invoke();

        // No abandon check between the record and the launch: the record promises the work a launch.
        try
        {
            _spawner.Launch(EndName(generation), arguments, env);
            _logger.NativeWorkLaunched(_execution);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            // Never handed over: the watch below finds no pid and, after the launch grace, launches again.
            _logger.NativeWorkNotLaunched(_execution, ex);
        }

        Step("launched");
    }

    /// <summary>Waits for <c>work.exit</c>, terminating the work on request; throws <see cref="NativeDie"/> when the work is lost.</summary>
    private async Task<WorkOutcome> WaitWorkAsync(NativeSpec spec)
    {
        var signalled = false;
        var marked = false;
        var reported = false;
        Step("running");
        while (true)
        {
            var (startedAt, limit, launchedAt, generation) = LastLaunch(spec);
            if (Terminated && !marked)
            {
                // So a resumed driver knows the work's end was a cancel.
                _journal.TryRecord("terminate.requested", NowIso(_settings.Time.GetUtcNow()));
                marked = true;
            }

            // Registered before the exit is read: an end reported in between still wakes the wait below.
            var ended = _spawner.Ended(EndName(generation));
            if (ReadWorkExit() is { } code)
            {
                _spawner.Forget(EndName(generation));
                return Judge(startedAt, limit, code);
            }

            var pid = LocalProcess.ReadIdentity(At(PidFileName(generation)));
            if (marked && !signalled && pid is { } id && LocalProcess.IsAlive(id.Pid, id.StartTicks))
            {
                LocalProcess.Signal(id.Pid, LocalProcess.SigTerm);
                signalled = true;
            }

            var graceOver = _settings.Time.GetUtcNow() - launchedAt > _settings.LaunchGrace;
            if (pid is null && graceOver && !reported && !marked && RelaunchIfCut(spec, generation))
            {
                _spawner.Forget(EndName(generation));
                continue;
            }

            var lost = pid switch
            {
                null when graceOver => "the work never recorded its pid",
                null when reported => "the work ended before recording its pid",
                { } gone when !LocalProcess.IsAlive(gone.Pid, gone.StartTicks) => "the work's process disappeared without an exit status",
                _ => null,
            };
            if (lost is not null && ReadWorkExit() is null)
            {
                throw new NativeDie($"the work was lost ({lost}); it is not run again");
            }

            reported |= await WaitAsync(ended);
        }
    }

    /// <summary>
    /// A launch whose work never recorded its pid within the grace was cut short (the host died between recording the
    /// launch and handing it to the spawner, or the spawner died with the request unread): the driver takes the
    /// launch's pid file name itself (create-if-absent, <see cref="GivenUp"/>), so that launch's work can never start,
    /// and launches the next generation. Only when the name is taken by this or an earlier driver; a work that wrote
    /// its pid first is watched as usual. At most <see cref="MaxLaunches"/> launches, and never after a cancel.
    /// </summary>
    /// <returns>True when the work was launched again.</returns>
    private bool RelaunchIfCut(NativeSpec spec, int generation)
    {
        if (generation >= MaxLaunches)
        {
            return false;
        }

        // Create-if-absent (a link, atomic against the work's noclobber create); taken by an earlier driver counts as ours.
        var path = At(PidFileName(generation));
        if (!LocalStateFiles.TryCreateText(path, GivenUp) && LocalStateFiles.ReadText(path) != GivenUp)
        {
            return false;
        }

        Log($"the work did not start within {_settings.LaunchGrace.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s of its launch (the launch was cut short); launching it again");
        Launch(spec, generation + 1);
        return true;
    }

    /// <summary>The latest launch: its start, time limit, when it was recorded and its generation (1 for the first).</summary>
    private (string StartedAt, string Limit, DateTimeOffset LaunchedAt, int Generation) LastLaunch(NativeSpec spec)
    {
        var launched = (_journal.Read("work.launched") ?? string.Empty).Split('\n');
        var startedAt = launched[0];
        var limit = launched.Length > 1 && launched[1].Length > 0 ? launched[1] : spec.TimeoutSeconds.ToString(CultureInfo.InvariantCulture);
        var generation = launched.Length > 2 && int.TryParse(launched[2], NumberStyles.None, CultureInfo.InvariantCulture, out var g) && g > 0 ? g : 1;
        var launchedAt = DateTimeOffset.TryParse(startedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : new DateTimeOffset(File.GetLastWriteTimeUtc(At("journal")), TimeSpan.Zero);
        return (startedAt, limit, launchedAt, generation);
    }

    /// <summary>The name a launch's end is reported under: a late report of an earlier launch never reads as this one's.</summary>
    private string EndName(int generation) => _scratch + "#" + generation.ToString(CultureInfo.InvariantCulture);

    private static string PidFileName(int generation) =>
        generation == 1 ? "work.pid" : "work.pid." + generation.ToString(CultureInfo.InvariantCulture);

    /// <summary>Waits for the work's reported end, a poll interval, a terminate or the abandon; true when the work reported its end.</summary>
    private async Task<bool> WaitAsync(Task<bool> ended)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(_abandon, Terminated ? CancellationToken.None : _terminate);
        try
        {
            return await ended.WaitAsync(_settings.PollInterval, _settings.Time, wake.Token);
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            _abandon.ThrowIfCancellationRequested();
            return false;
        }
    }

    private WorkOutcome Judge(string startedAt, string limit, int code)
    {
        if (_journal.Read("work.judged") is not { } judged)
        {
            var termination = _journal.Has("terminate.requested") ? "cancel" : code is 124 or 137 ? "timeout" : "none";
            var ended = NowIso(new DateTimeOffset(File.GetLastWriteTimeUtc(At("work.exit")), TimeSpan.Zero));
            _journal.TryRecord("work.judged", $"{termination}\n{ended}\n");
            judged = _journal.Read("work.judged")!;
        }

        var lines = judged.Split('\n');
        return new WorkOutcome(code, lines[0], startedAt, lines[1], limit);
    }

    private int? ReadWorkExit() =>
        LocalProcess.ReadLine(At("work.exit")) is { } text && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code) ? code : null;

    /// <summary>What the work did: its wrapper's status, the termination, its times and limit.</summary>
    private sealed record WorkOutcome(int Code, string Termination, string StartedAt, string EndedAt, string WorkLimit);
}
