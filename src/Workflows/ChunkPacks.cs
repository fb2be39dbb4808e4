using Orchestration.Activities.Contracts;
using Orchestration.Activities.Steps;
using Orchestration.Domain.Judging;
using Orchestration.Domain.Planning;
using Orchestration.Domain.Polling;
using Orchestration.Durable;

namespace Orchestration.Workflows;

/// <summary>A chunk's packs: the start requests of its packed runs, grouped by job and timeout into packs of at
/// most <see cref="WorkflowSettings.PackSize"/> attempts, each started as one execution (<see cref="StartPack"/>).</summary>
/// <remarks>
/// <para>
/// Orchestrator code (deterministic, no I/O but activities and timers). When to start a pack: once it is full; once
/// every run of the window's first fill has asked (the first runs never wait); otherwise when the oldest request has
/// waited <see cref="WorkflowSettings.PackGatherSeconds"/>, so the runs that refill the window, and retries, share
/// packs too. A throttled start keeps its pack (same id, same attempts) and tries again after the platform's
/// suggested wait or the back-off, whichever is longer; requests coming meanwhile go to new packs. A pack that
/// cannot be started is answered as such to each of its runs, which count the attempt lost and ask again.
/// </para>
/// <para>
/// Pack ids are <c>c{chunk}-p{n}</c> (<c>v{generation}-c{chunk}-p{n}</c> in a rerun), n counting the chunk's packs: a replay builds the same packs with the same ids,
/// and a repeated start of one finds its manifest and recorded execution (<see cref="StartPack"/>).
/// </para>
/// </remarks>
internal sealed class ChunkPacks(TaskOrchestrationContext context, ChunkInput input)
{
    private readonly List<PackRequest> _pending = [];
    private readonly List<Pack> _throttled = [];
    private readonly HashSet<RunRef> _firstFill = [];
    private readonly List<Pack> _started = [];
    private readonly TaskOptions _retry = ActivityOptions.Retrying(input.Settings.ActivityAttempts);
    private DateTime? _oldestPending;
    private bool _firstFillOpen;
    private int _packs;

    /// <summary>Packs started so far.</summary>
    public int Started => _started.Count;

    /// <summary>Packs started whose runs have not all finished.</summary>
    public int Running => _started.Count(p => !p.Done);

    /// <summary>The start requests of these runs are the window's first fill: once all have come, they start at once.</summary>
    /// <param name="runs">Runs launched in the first fill.</param>
    public void FirstFill(IEnumerable<RunRef> runs)
    {
        _firstFill.UnionWith(runs);
        _firstFillOpen = _firstFill.Count > 0;
    }

    /// <summary>Takes a run's start request.</summary>
    /// <param name="request">The request.</param>
    public void Add(PackRequest request)
    {
        _pending.RemoveAll(p => p.Run == request.Run);
        _pending.Add(request);
        _oldestPending ??= context.CurrentUtcDateTime;
        _firstFill.Remove(request.Run);
    }

    /// <summary>When the chunk should wake for the packs (a gather deadline, a throttled pack's retry); null when nothing waits.</summary>
    /// <returns>The time.</returns>
    public DateTime? WakeAt()
    {
        DateTime? wake = _oldestPending is { } oldest ? oldest.AddSeconds(input.Settings.PackGatherSeconds) : null;
        foreach (var pack in _throttled)
        {
            wake = wake is null || pack.RetryAt < wake ? pack.RetryAt : wake;
        }

        return wake;
    }

    /// <summary>Starts what is due: full packs, every request once the first fill has asked or the gather time passed,
    /// and throttled packs whose wait ended.</summary>
    /// <param name="cancelled">True once the chunk was cancelled: nothing more starts, requests are dropped.</param>
    /// <returns>A task that completes when the due starts were made and their runs answered.</returns>
    public async Task StartDueAsync(bool cancelled)
    {
        if (cancelled)
        {
            _pending.Clear();
            _throttled.Clear();
            _oldestPending = null;
            return;
        }

        var now = context.CurrentUtcDateTime;
        foreach (var pack in _throttled.Where(p => p.RetryAt <= now).ToList())
        {
            _throttled.Remove(pack);
            await StartAsync(pack);
        }

        var gathered = _oldestPending is { } oldest && now >= oldest.AddSeconds(input.Settings.PackGatherSeconds);
        var firstFillIn = _firstFillOpen && _firstFill.Count == 0;
        _firstFillOpen &= !firstFillIn;
        var all = gathered || firstFillIn;
        foreach (var group in _pending.GroupBy(r => (Plan(r).JobId, Plan(r).TimeoutSeconds)).ToList())
        {
            var requests = group.ToList();
            for (var i = 0; i < requests.Count; i += input.Settings.PackSize)
            {
                var members = requests.Skip(i).Take(input.Settings.PackSize).ToList();
                if (members.Count == input.Settings.PackSize || all)
                {
                    foreach (var member in members)
                    {
                        _pending.Remove(member);
                    }

                    await StartAsync(new Pack(PackId(_packs++), group.Key.JobId, group.Key.TimeoutSeconds, members));
                }
            }
        }

        _oldestPending = _pending.Count == 0 ? null : _oldestPending;
    }

    /// <summary>A run finished. Once every run of a pack has, and any of them ended other than by its task in the
    /// pack (cancelled, timed out, or judged on a later attempt), the pack's execution is cancelled: a task of an
    /// attempt that was given up on may still be queued or working in it. A pack whose runs all ended by their own
    /// tasks has ended with them.</summary>
    /// <param name="run">The run.</param>
    /// <param name="summary">How it ended.</param>
    /// <returns>A task that completes when the pack, if due, was cancelled.</returns>
    public async Task RunFinishedAsync(RunRef run, RunSummary summary)
    {
        _pending.RemoveAll(p => p.Run == run);
        foreach (var pack in _started.Where(p => !p.Done && p.Members.Exists(m => m.Run == run)))
        {
            var member = pack.Members.Find(m => m.Run == run)!;
            pack.Finished.Add(run);
            pack.Abandoned |= summary.Outcome is RunOutcome.Cancelled or RunOutcome.TimedOut || summary.Attempt != member.Attempt;
            if (pack.Members.TrueForAll(m => pack.Finished.Contains(m.Run)))
            {
                pack.Done = true;
                if (pack.Abandoned)
                {
                    await context.CallActivityAsync<bool>(nameof(CancelRun), new CancelRunInput([pack.Execution!]), _retry);
                }
            }
        }
    }

    /// <summary>The batch was cancelled: every started pack's execution is cancelled.</summary>
    /// <returns>A task that completes when they were.</returns>
    public async Task CancelAllAsync()
    {
        var executions = _started.Where(p => !p.Done).Select(p => p.Execution!).Distinct(StringComparer.Ordinal).ToList();
        foreach (var pack in _started)
        {
            pack.Done = true;
        }

        if (executions.Count > 0)
        {
            await context.CallActivityAsync<bool>(nameof(CancelRun), new CancelRunInput(executions), _retry);
        }
    }

    private TaskPlan Plan(PackRequest request) => input.Tasks[request.Run.TaskOrdinal];

    private async Task StartAsync(Pack pack)
    {
        var entries = pack.Members
            .Select(m => new PackEntry(new RunAttempt(input.BatchId, input.Nonce, m.Run.TaskOrdinal, Plan(m).TaskId, m.Run.RunIndex, m.Attempt), Plan(m).SpecUri))
            .ToList();
        StartRunResult started;
        try
        {
            started = await context.CallActivityAsync<StartRunResult>(
                nameof(StartPack), new StartPackInput(pack.Id, pack.JobId, pack.TimeoutSeconds, entries), _retry);
        }
        catch (TaskFailedException ex)
        {
            Answer(pack, null, ex.FailureDetails.ErrorMessage);
            return;
        }

        if (started.Execution is null)
        {
            var backOff = PollingSchedule.ThrottleDelay(input.Settings.Polling, pack.Id, pack.Throttles++);
            var suggested = TimeSpan.FromSeconds(started.RetryAfterSeconds);
            pack.RetryAt = context.CurrentUtcDateTime + (suggested > backOff ? suggested : backOff);
            _throttled.Add(pack);
            return;
        }

        pack.Execution = started.Execution;
        _started.Add(pack);
        Answer(pack, started.Execution, null);
    }

    private void Answer(Pack pack, string? execution, string? failure)
    {
        for (var i = 0; i < pack.Members.Count; i++)
        {
            var member = pack.Members[i];
            context.SendEvent(InstanceIds.Run(input.BatchId, member.Run, input.Generation), Events.Started, new PackStart(member.Attempt, execution, i, pack.Id, failure));
        }
    }

    // Unique in the batch: a rerun's chunks count from 0 again, so its packs carry the version it makes.
    private string PackId(int n) => input.Generation == 0
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"c{input.Chunk}-p{n}")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"v{input.Generation}-c{input.Chunk}-p{n}");

    private sealed class Pack(string id, string jobId, int timeoutSeconds, List<PackRequest> members)
    {
        public string Id { get; } = id;

        public string JobId { get; } = jobId;

        public int TimeoutSeconds { get; } = timeoutSeconds;

        public List<PackRequest> Members { get; } = members;

        public HashSet<RunRef> Finished { get; } = [];

        public string? Execution { get; set; }

        public bool Done { get; set; }

        public bool Abandoned { get; set; }

        public int Throttles { get; set; }

        public DateTime RetryAt { get; set; }
    }
}
