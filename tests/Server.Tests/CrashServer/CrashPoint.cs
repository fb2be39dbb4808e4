using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Orchestration.Activities.Contracts;
using Orchestration.Activities.Steps;
using Orchestration.Durable;

namespace Orchestration.Server.CrashServer;

/// <summary>Where this process kills itself (SIGKILL, as <c>kill -9</c>): the first time a named activity is
/// reached, before it runs (no effect yet) or after it returned (effect done, completion not yet recorded by
/// the engine); or, for <c>Timer</c>, while a run orchestration waits on its durable poll timer.</summary>
/// <remarks>Only the first arrival kills: the restarted host runs without <c>CRASH_AT</c>, so each matrix case
/// is exactly one crash at one reproducible point.</remarks>
internal sealed class CrashPoint
{
    /// <summary>The <c>CRASH_AT</c> value for the timer wait.</summary>
    public const string TimerWait = "Timer";

    // HistoryEventKind.TimerFired in the engine's inbox table (stored as an integer, never renumbered).
    private const int TimerFiredKind = 7;

    private readonly string _step;
    private readonly bool _after;
    private readonly bool _timer;
    private readonly string _engineDatabase;
    private int _reached;

    private CrashPoint(string step, bool after, bool timer, string engineDatabase)
    {
        _step = step;
        _after = after;
        _timer = timer;
        _engineDatabase = engineDatabase;
    }

    /// <summary>Reads <c>CRASH_AT</c>: <c>Step:before</c>, <c>Step:after</c> or <c>Timer</c>; null when unset.</summary>
    public static CrashPoint? Parse(string? text, string engineDatabase)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (text == TimerWait)
        {
            // A poll timer is created right after CheckRun reports a running attempt: watch from there.
            return new CrashPoint(nameof(CheckRun), after: true, timer: true, engineDatabase);
        }

        var parts = text.Split(':');
        if (parts.Length != 2 || parts[1] is not ("before" or "after"))
        {
            throw new ArgumentException($"CRASH_AT '{text}' is not Step:before, Step:after or {TimerWait}.", nameof(text));
        }

        return new CrashPoint(parts[0], parts[1] == "after", timer: false, engineDatabase);
    }

    /// <summary>Wraps the named activity; every other one runs as it is.</summary>
    public ITaskActivity Decorate(TaskName name, ITaskActivity inner) =>
        string.Equals(name.Name, _step, StringComparison.OrdinalIgnoreCase) ? new CrashingActivity(inner, this) : inner;

    /// <inheritdoc />
    public override string ToString() => _timer ? TimerWait : $"{_step}:{(_after ? "after" : "before")}";

    /// <summary>Called before the wrapped activity runs.</summary>
    public void Before(TaskActivityContext context)
    {
        if (!_timer && !_after && First())
        {
            Die($"{this} in {context.InstanceId}");
        }
    }

    /// <summary>Called after the wrapped activity returned, before the engine records its completion.</summary>
    public void After(TaskActivityContext context, object? output)
    {
        if (_timer)
        {
            if (output is CheckRunResult { State: AttemptState.Running } && First())
            {
                _ = Task.Run(() => KillDuringTimerAsync(context.InstanceId));
            }

            return;
        }

        if (_after && First())
        {
            Die($"{this} in {context.InstanceId}");
        }
    }

    private static void Die(string where)
    {
        Console.Error.WriteLine($"crash-server: SIGKILL at {where}");
        Process.GetCurrentProcess().Kill();
        Thread.Sleep(Timeout.Infinite); // the signal is asynchronous: nothing more may happen meanwhile
    }

    private bool First() => Interlocked.Exchange(ref _reached, 1) == 0;

    // Dies once the run's poll timer is durably scheduled and not yet due: the orchestration is then
    // waiting on the timer alone, and only the restarted engine can fire it.
    private async Task KillDuringTimerAsync(string instanceId)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = _engineDatabase, Mode = SqliteOpenMode.ReadOnly }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        while (true)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT MAX(visible_at) FROM inbox WHERE instance_id = $id AND kind = $kind AND visible_at > $now";
            command.Parameters.AddWithValue("$id", instanceId);
            command.Parameters.AddWithValue("$kind", TimerFiredKind);
            command.Parameters.AddWithValue("$now", DateTime.UtcNow.Ticks);
            if (await command.ExecuteScalarAsync() is long dueTicks)
            {
                Die($"{TimerWait} in {instanceId}: its poll timer is due at {new DateTime(dueTicks, DateTimeKind.Utc):O}, now {DateTime.UtcNow:O}");
            }

            await Task.Delay(2);
        }
    }
}
