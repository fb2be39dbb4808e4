using System.Diagnostics;
using System.Globalization;

namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary>The work: launched once, detached, watched (runner.sh's run_work, crash-safe).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed partial class NativeExecution
{
    /// <summary>
    /// Runs as <c>setsid bash -c WORK name STATE WORKSPACE LIMIT KILL_AFTER GRACE KIND</c>: one bash for the whole work,
    /// the phases of runner/phases.sh (preCommand, the command or Claude, postCommand; the same files, exit codes,
    /// notes and <c>bash PHASE.sh</c> per phase) in a subshell instead of a bash of its own under <c>timeout</c>. It records "pid starttime" in <c>work.pid</c> before
    /// anything runs (without it the work never runs: nobody could watch it) and handles TERM as runner.sh's on_term
    /// does (TERM to the work's process group, KILL after GRACE; deferred, not ignored, so the work does not inherit an
    /// ignored signal). The work is a subshell in a process group of its own (job control): it is what a deadline or a
    /// cancel signals, as <c>timeout</c>'s group is in the container. The time limit is a second subshell (a
    /// group of its own too) that waits with <c>read -t</c> on the FIFO <c>timer</c>, which nothing ever writes: at
    /// LIMIT it writes <c>work.timeout</c> and TERMs the work's group, KILL_AFTER later KILLs it, as
    /// <c>timeout --kill-after</c> does, so the limit holds without the host. The status is <c>timeout</c>'s: 124
    /// after the limit (137 when the KILL was needed), else the phases' (0 once every phase ended, 90 when the
    /// workspace is missing, 128+N for a signal). It goes to <c>work.exit</c>, then whatever is left in the work's
    /// group is killed. Both files are written in place by one <c>printf</c> and count only once their line is whole
    /// (<see cref="LocalProcess.ReadLine"/>): a reader never acts on half of one. Builtins only in the wrapper: each
    /// process spawned per run costs about a millisecond of CPU.
    /// </summary>
    private const string WorkScript = """
        state=$1 workspace=$2 limit=$3 kill_after=$4 grace=$5 kind=$6
        exec </dev/null >>"$state/work.log" 2>&1
        term= job= sent=
        on_term() {
          term=1
          if [ -n "$job" ] && [ -z "$sent" ]; then
            sent=1
            kill -TERM -- "-$job" 2>/dev/null
            (read -t "$grace" <>"$state/timer"; kill -KILL -- "-$job") >/dev/null 2>&1 &
          fi
        }
        trap on_term TERM
        read -r stat <"/proc/$$/stat"
        read -r -a fields <<< "${stat##*) }"
        [ -p "$state/timer" ] || exit 125
        printf '%s %s\n' "$$" "${fields[19]}" > "$state/work.pid" || exit 125
        if [ -n "$term" ]; then
          code=143
        else
          set -m
          (
            set +m
            trap - TERM
            cd "$workspace" || exit 90
            # Names of their own: the exports below may set any variable the spec's env names.
            __state=$state __kind=$kind
            while IFS= read -r -d '' pair; do export "${pair?}"; done <"$__state/env.nul"
            __skip=
            for __phase in pre main post; do
              if [ "$__phase" = main ] && [ -n "$__skip" ]; then
                continue
              fi
              if [ "$__phase" = main ] && [ "$__kind" = claude ]; then
                __args=()
                while IFS= read -r -d '' __arg; do __args+=("$__arg"); done <"$__state/claude.args"
                : >"$__state/main.started"
                claude "${__args[@]}" <"$__state/prompt.txt" >"$__state/transcript.jsonl" 2>"$__state/main.err"
                echo "$?" >"$__state/main.rc"
                continue
              fi
              [ -f "$__state/$__phase.sh" ] || continue
              : >"$__state/$__phase.started"
              (
                unset -v ANTHROPIC_API_KEY ANTHROPIC_AUTH_TOKEN CLAUDE_CODE_OAUTH_TOKEN
                exec bash "$__state/$__phase.sh"
              ) </dev/null >"$__state/$__phase.out" 2>"$__state/$__phase.err"
              __rc=$?
              echo "$__rc" >"$__state/$__phase.rc"
              if [ "$__phase" = pre ] && [ "$__rc" != 0 ]; then
                echo "[runner] preCommand exited $__rc; the main phase did not run" >>"$__state/runner.notes"
                __skip=1
              elif [ "$__phase" = post ] && [ "$__rc" != 0 ]; then
                echo "[runner] postCommand exited $__rc" >>"$__state/runner.notes"
              fi
            done
            exit 0
          ) &
          job=$!
          (
            trap - TERM
            read -t "$limit" <>"$state/timer"
            printf 'term\n' >"$state/work.timeout"
            kill -TERM -- "-$job"
            read -t "$kill_after" <>"$state/timer"
            printf 'kill\n' >>"$state/work.timeout"
            kill -KILL -- "-$job"
          ) >/dev/null 2>&1 &
          timer=$!
          set +m
          if [ -n "$term" ]; then on_term; fi
          while :; do
            wait "$job"
            code=$?
            kill -0 "$job" 2>/dev/null || break
          done
          kill -KILL -- "-$job" "-$timer" 2>/dev/null
          if [ -f "$state/work.timeout" ]; then
            code=124
            while IFS= read -r line; do
              if [ "$line" = kill ]; then code=137; fi
            done <"$state/work.timeout"
          fi
        fi
        printf '%s\n' "$code" > "$state/work.exit"
        trap - TERM
        exit "$code"
        """;

    private Process? _process;

    private void Launch(NativeSpec spec)
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

        var start = new ProcessStartInfo(_settings.SetsidPath)
        {
            UseShellExecute = false,
            WorkingDirectory = _workspace,
        };
        var killAfter = _env.GetValueOrDefault("RUNNER_KILL_AFTER_SECONDS", "5");
        var grace = _env.GetValueOrDefault("RUNNER_CANCEL_GRACE_SECONDS", "2");
        foreach (var arg in (string[])[_settings.BashPath, "-c", WorkScript, "orchestration-native-work", _scratch, _workspace, limit.ToString(CultureInfo.InvariantCulture), killAfter, grace, spec.Kind])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Clear();
        foreach (var (name, value) in env)
        {
            start.Environment[name] = value;
        }

        try
        {
            // The work's timer waits on it (see WorkScript): a FIFO nothing writes, so only its read's time limit ends the wait.
            LocalProcess.MakeFifo(At("timer"));
        }
        catch (IOException ex)
        {
            throw new NativeDie($"cannot create the work's timer: {ex.Message}");
        }

        // The one launch: once this marker exists no driver spawns the work again, whatever happens next.
        var startedAt = NowIso(_settings.Time.GetUtcNow());
        if (!_journal.TryRecord("work.launched", $"{startedAt}\n{limit.ToString(CultureInfo.InvariantCulture)}\n"))
        {
            return;
        }

        // No abandon check between the marker and the spawn: the marker promises the work a launch.
        try
        {
            _process = Process.Start(start);
            _logger.NativeWorkLaunched(_execution, _process?.Id ?? 0);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            // Never started: the watch below finds no pid and reports the work lost.
            _logger.NativeWorkNotLaunched(_execution, ex);
        }

        Step("launched");
    }

    /// <summary>Waits for <c>work.exit</c>, terminating the work on request; throws <see cref="NativeDie"/> when the work is lost.</summary>
    private async Task<WorkOutcome> WaitWorkAsync(NativeSpec spec)
    {
        var launched = (_journal.Read("work.launched") ?? string.Empty).Split('\n');
        var startedAt = launched[0];
        var limit = launched.Length > 1 ? launched[1] : spec.TimeoutSeconds.ToString(CultureInfo.InvariantCulture);
        var launchedAt = DateTimeOffset.TryParse(startedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : new DateTimeOffset(File.GetLastWriteTimeUtc(At("journal")), TimeSpan.Zero);
        var signalled = false;
        var marked = false;
        Step("running");
        while (true)
        {
            if (Terminated && !marked)
            {
                // So a resumed driver knows the work's end was a cancel.
                _journal.TryRecord("terminate.requested", NowIso(_settings.Time.GetUtcNow()));
                marked = true;
            }

            if (ReadWorkExit() is { } code)
            {
                _process?.Dispose();
                return Judge(startedAt, limit, code);
            }

            var pid = ReadPid();
            if (marked && !signalled && pid is { } id && LocalProcess.IsAlive(id.Pid, id.StartTicks))
            {
                LocalProcess.Signal(id.Pid, LocalProcess.SigTerm);
                signalled = true;
            }

            var lost = pid switch
            {
                null when _settings.Time.GetUtcNow() - launchedAt > _settings.LaunchGrace => "the work never recorded its pid",
                null when _process is { HasExited: true } => "the work's wrapper ended before recording its pid",
                { } gone when !LocalProcess.IsAlive(gone.Pid, gone.StartTicks) => "the work's process disappeared without an exit status",
                _ => null,
            };
            if (lost is not null && ReadWorkExit() is null)
            {
                throw new NativeDie($"the work was lost ({lost}); it is not run again");
            }

            await WaitAsync();
        }
    }

    private async Task WaitAsync()
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(_abandon, Terminated ? CancellationToken.None : _terminate);
        try
        {
            if (_process is { HasExited: false } process)
            {
                await process.WaitForExitAsync(wake.Token).WaitAsync(_settings.PollInterval, _settings.Time, wake.Token);
            }
            else
            {
                await Task.Delay(_settings.PollInterval, _settings.Time, wake.Token);
            }
        }
        catch (TimeoutException)
        {
            // Poll again.
        }
        catch (OperationCanceledException)
        {
            _abandon.ThrowIfCancellationRequested();
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

    private (int Pid, long StartTicks)? ReadPid() => LocalProcess.ReadIdentity(At("work.pid"));

    /// <summary>What the work did: its wrapper's status, the termination, its times and limit.</summary>
    private sealed record WorkOutcome(int Code, string Termination, string StartedAt, string EndedAt, string WorkLimit);
}
