using System.Globalization;

namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary>The work: launched once, detached, watched (runner.sh's run_work, crash-safe).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed partial class NativeExecution
{
    /// <summary>
    /// The script <see cref="NativeSpawner"/>'s bash runs in a fork of its own per work (a job: a process group of its own),
    /// inline rather than as a function, with the positional parameters <c>STATE WORKSPACE LIMIT KIND PID_FILE NAME=VALUE...</c>,
    /// with no variable exported but bash's own. It runs the phases of runner/phases.sh itself (preCommand, the command
    /// or Claude, postCommand; the same files, exit codes, notes and <c>bash PHASE.sh</c> per phase), each phase a fork
    /// of it that exports the environment and executes the phase: it is phases.sh and <c>timeout</c> in one bash.
    /// <para>
    /// It first creates PID_FILE (<c>work.pid</c>, then <c>work.pid.2</c>... per launch) with "pid starttime", with
    /// noclobber: when the name is taken (a driver gave this launch up, see <see cref="RelaunchIfCut"/>) or cannot be
    /// written (nobody could watch the work), nothing runs.
    /// </para>
    /// <para>
    /// The work's process group (the spawner's job) holds the work and its phases, as <c>timeout</c>'s group holds
    /// phases.sh and its phases in the container: a phase's parent is in its group, and the group is what a deadline
    /// or a cancel signals. The work ignores the TERM it sends itself and then ends at once, as phases.sh ends at that
    /// TERM in the container and <c>timeout</c> with it; as its last act, once its status is written and reported, it
    /// KILLs the group, itself included (see <see cref="NativeSpawner"/>), so nothing a phase left behind outlives it.
    /// A TERM from outside (a cancel) is handled so (deferred, not ignored, so the phases do not inherit an ignored
    /// signal).
    /// </para>
    /// <para>
    /// The time limit covers the phases together and is held by the work's own bash, without a process of its own: it
    /// waits with <c>read -t</c> on the FIFO <c>timer</c>, whose writer (fd 6) each phase inherits and the work then
    /// closes, so the read ends at once when the phase has ended and nothing it left behind holds the writer; else
    /// at the read's time limit, an eighth of the phase's time so far, from 4 ms to 250 ms and never past the
    /// deadline. Then the work looks at the phase (its <c>/proc/PID/stat</c>: gone, a zombie or another process's
    /// start time is its end). So a phase's end is seen at once, or within an eighth of its duration when it left
    /// something running or closed its writer (the work then holds a writer itself, so that its reads wait), and the
    /// limit holds without the host. (A TERM's trap runs during the read, which then goes on.) At LIMIT it writes
    /// <c>work.timeout</c>. The status is
    /// <c>timeout</c>'s: 124 after the limit, 143 when a TERM cut the phases short, else 0 (90 when the workspace is
    /// missing). A phase cut short writes no exit code and no later phase runs. The pid and exit files are written by
    /// one <c>printf</c> each and count only once their line is whole (<see cref="LocalProcess.ReadLine"/>): a reader
    /// never acts on half of one.
    /// </para>
    /// <para>
    /// Builtins only: each program executed per run costs about a millisecond of CPU, and each fork of bash about as
    /// much again (which is why no subshell runs the phases). The environment (NAME=VALUE...), with the spec's env after
    /// it, is exported only in each phase's fork, which drops the work's arrays and reads no variable after the export
    /// (what it needs is in its positional parameters), so the environment may name any variable. Fds 4 (the
    /// spawner's output) and 5 (the timer's reader) are closed for everything it starts.
    /// </para>
    /// </summary>
    private const string WorkScript = """
        __state=$1 __workspace=$2 __limit=$3 __kind=$4 __pid_file=$5
        shift 5
        __env=("$@")
        cd "$__workspace" 2>/dev/null
        exec </dev/null >>"$__state/work.log" 2>&1
        __term= __sent= __job=
        # TERM to the work's process group (its phases), which the work itself ignores.
        __term_group() {
          trap '' TERM
          kill -TERM 0
          trap __on_term TERM
        }
        __on_term() {
          __term=1
          if [ -n "$__job" ] && [ -z "$__sent" ]; then
            __sent=1
            __term_group
          fi
        }
        trap __on_term TERM
        read -r __stat <"/proc/$BASHPID/stat"
        # Split by word splitting (the fields after the command name are numbers and a state letter): a here-string
        # would be a pipe, which read takes one byte per system call (about 300 a run). Nothing here globs.
        set -f
        __fields=(${__stat##*) })
        # What the work signals is its process group (TERM at a deadline or cancel, KILL at its end): only when it leads
        # one of its own, as the spawner's job control makes it, never the spawner's.
        __leader=
        if [ "${__fields[2]}" = "$BASHPID" ]; then __leader=1; fi
        # Created, never overwritten (noclobber): a driver that gave this launch up took the name first. Without the
        # timer or the pid file nothing runs and no exit is written.
        if [ -p "$__state/timer" ] && { set -C; printf '%s %s\n' "$BASHPID" "${__fields[19]}" > "$__state/$__pid_file"; }; then
          set +C
          __code=0
          if [ -n "$__term" ]; then
            __code=143
          elif [ -z "$__leader" ]; then
            echo "the work has no process group of its own (job control is off in its spawner)"
            __code=125
          # The timer's two ends: 6 a writer, given to each phase and closed here once it is launched, and 5 the
          # reader the work sleeps on, which ends at once when every writer is closed.
          elif ! exec 6<>"$__state/timer" 5<"$__state/timer"; then
            __code=125
          elif ! cd "$__workspace"; then
            __code=90
          else
            # As runner/phases.sh: the environment, then the spec's env, exported in each phase's fork (after the
            # arrays are dropped there: an export cannot give a value to an array's name).
            __pairs=("${__env[@]}")
            while IFS= read -r -d '' __pair; do __pairs+=("$__pair"); done <"$__state/env.nul"
            __args=()
            if [ "$__kind" = claude ]; then
              while IFS= read -r -d '' __arg; do __args+=("$__arg"); done <"$__state/claude.args"
            fi
            # read -t takes the locale's decimal point, which EPOCHREALTIME shows.
            __dot=${EPOCHREALTIME//[0-9]/}
            __deadline=${EPOCHREALTIME//[!0-9]/}
            __deadline=$((__deadline + __limit * 1000000))
            __over= __skip= __writer=1
            for __p in pre main post; do
              if [ -n "$__term" ]; then
                __code=143
                break
              fi
              if [ "$__p" = main ] && [ -n "$__skip" ]; then continue; fi
              if [ -z "$__writer" ]; then
                exec 6<>"$__state/timer"
                __writer=1
              fi
              if [ "$__p" = main ] && [ "$__kind" = claude ]; then
                : >"$__state/main.started"
                (
                  set -- "${#__pairs[@]}" "${__pairs[@]}" "${__args[@]}"
                  unset -v __env __pairs __args __fields __words
                  if (($1 > 0)); then export "${@:2:$1}"; fi
                  shift "$(($1 + 1))"
                  exec claude "$@"
                ) <"$__state/prompt.txt" >"$__state/transcript.jsonl" 2>"$__state/main.err" 4>&- 5<&- &
              elif [ -f "$__state/$__p.sh" ]; then
                : >"$__state/$__p.started"
                (
                  set -- "$__state/$__p.sh" "${__pairs[@]}"
                  unset -v __env __pairs __args __fields __words
                  if (($# > 1)); then export "${@:2}"; fi
                  unset -v ANTHROPIC_API_KEY ANTHROPIC_AUTH_TOKEN CLAUDE_CODE_OAUTH_TOKEN
                  exec bash "$1"
                ) </dev/null >"$__state/$__p.out" 2>"$__state/$__p.err" 4>&- 5<&- &
              else
                continue
              fi
              __job=$!
              exec 6>&-
              __writer=
              if [ -n "$__term" ]; then __on_term; fi
              __since=${EPOCHREALTIME//[!0-9]/}
              __started= __slept=1 __brief=
              # The phase runs while its stat names it alive with the start ticks it had at first (bash reaps it as soon
              # as it ends, and its pid may then be another process's).
              while read -r __stat 2>/dev/null <"/proc/$__job/stat"; do
                __fields=(${__stat##*) })
                if [ -z "$__started" ]; then __started=${__fields[19]}; fi
                if [ "${__fields[0]}" = Z ] || [ "${__fields[19]}" != "$__started" ]; then break; fi
                # Woken while the phase runs (it is still exiting, or closed its writer): sleep on a writer of its own,
                # briefly first.
                if [ -z "$__slept$__writer" ]; then
                  exec 6<>"$__state/timer"
                  __writer=1
                  __brief=1
                fi
                if [ -n "$__term" ]; then
                  __code=143
                  break 2
                fi
                __now=${EPOCHREALTIME//[!0-9]/}
                if ((__now >= __deadline)); then
                  __over=1
                  printf 'term\n' >"$__state/work.timeout"
                  __term_group
                  break 2
                fi
                __step=$(((__now - __since) / 8))
                if [ -n "$__brief" ]; then __step=1000; elif ((__step < 4000)); then __step=4000; elif ((__step > 250000)); then __step=250000; fi
                if ((__step > __deadline - __now)); then __step=$((__deadline - __now)); fi
                printf -v __step '%d%s%06d' "$((__step / 1000000))" "$__dot" "$((__step % 1000000))"
                read -t "$__step" -u 5
                if (($? > 128)); then __slept=1; else __slept=; fi
                __brief=
              done
              wait "$__job"
              __rc=$?
              if [ -n "$__term" ]; then
                __code=143
                break
              fi
              echo "$__rc" >"$__state/$__p.rc"
              if [ "$__rc" != 0 ]; then
                case $__p in
                  pre) echo "[runner] preCommand exited $__rc; the main phase did not run" >>"$__state/runner.notes"; __skip=1 ;;
                  post) echo "[runner] postCommand exited $__rc" >>"$__state/runner.notes" ;;
                esac
              fi
            done
            if [ -n "$__over" ]; then __code=124; fi
          fi
          printf '%s\n' "$__code" > "$__state/work.exit"
        fi
        trap '' TERM
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

        string[] arguments = [_scratch, _workspace, limit.ToString(CultureInfo.InvariantCulture), spec.Kind, PidFileName(generation)];
        try
        {
            // The work waits on it (see WorkScript): a FIFO nothing writes, so a read on it ends when the phase holding its
            // writer ends, or at the read's time limit.
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
