using System.Diagnostics;
using System.Globalization;

namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary>The work: launched once, detached, watched (runner.sh's run_work, crash-safe).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed partial class NativeExecution
{
    /// <summary>
    /// Runs as <c>setsid bash -c WRAPPER name STATE WORKSPACE LIMIT KILL_AFTER GRACE PHASES</c>, PHASES being
    /// the text of runner/phases.sh (passed, not written to the state folder: it is the same for every run). It records
    /// "pid starttime" in <c>work.pid</c> before anything runs (without it the work never runs: nobody
    /// could watch it), handles TERM as runner.sh's on_term does (TERM to the work's process group, KILL
    /// after GRACE; deferred, not ignored, so the work does not inherit an ignored signal), runs phases.sh
    /// under <c>timeout</c> (its own process group), writes the work's status to <c>work.exit</c>, then kills
    /// whatever is left in its groups. Both files are written in place by one <c>printf</c> (no <c>mv</c>: a
    /// process per write costs a millisecond of CPU per run) and count only once their line is whole
    /// (<see cref="LocalProcess.ReadLine"/>): a reader never acts on half of one.
    /// </summary>
    private const string WrapperScript = """
        state=$1 workspace=$2 limit=$3 kill_after=$4 grace=$5 phases=$6
        exec </dev/null >>"$state/work.log" 2>&1
        term= child= sent=
        on_term() {
          term=1
          if [ -n "$child" ] && [ -z "$sent" ]; then
            sent=1
            kill -TERM -- "-$child" 2>/dev/null || kill -TERM "$child" 2>/dev/null
            (sleep "$grace" && kill -KILL -- "-$child") >/dev/null 2>&1 &
          fi
        }
        trap on_term TERM
        stat=$(<"/proc/$$/stat")
        read -r -a fields <<< "${stat##*) }"
        printf '%s %s\n' "$$" "${fields[19]}" > "$state/work.pid" || exit 125
        if [ -n "$term" ]; then
          code=143
        else
          timeout --signal=TERM --kill-after="$kill_after" "$limit" bash -c "$phases" phases.sh "$state" "$workspace" &
          child=$!
          if [ -n "$term" ]; then on_term; fi
          while :; do
            wait "$child"
            code=$?
            kill -0 "$child" 2>/dev/null || break
          done
          kill -KILL -- "-$child" 2>/dev/null
        fi
        printf '%s\n' "$code" > "$state/work.exit"
        trap - TERM
        kill -KILL -- -$$ 2>/dev/null
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
        foreach (var arg in (string[])[_settings.BashPath, "-c", WrapperScript, "orchestration-native-work", _scratch, _workspace, limit.ToString(CultureInfo.InvariantCulture), killAfter, grace, NativeExecutor.PhasesScript])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Clear();
        foreach (var (name, value) in env)
        {
            start.Environment[name] = value;
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
