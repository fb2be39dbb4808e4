using Orchestration.Durable;

namespace Orchestration.Engine;

/// <summary>Orchestration dispatch: rounds of episodes over the visible inbox.</summary>
public sealed partial class DurableEngine
{
    private readonly Dictionary<string, InstanceState> _cache = new(StringComparer.Ordinal);
    private long _useCounter;

    private async Task OrchestrationLoopAsync(CancellationToken cancellationToken)
    {
        using var connection = EngineDatabase.Open(_connectionString);
        using var sql = new SqlRunner(connection);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // The next due time is taken relative to the round's own clock reading, so a message that became
                // visible while the round ran is picked up at once instead of being skipped.
                var now = UtcNow();
                if (await RunRoundAsync(sql, now))
                {
                    continue;
                }

                var due = NextDue(sql, now);
                Interlocked.Exchange(ref _orchestrationsWaitUntil, due?.Ticks ?? long.MaxValue);
                try
                {
                    await WaitForSignalAsync(_orchestrationSignal, due, cancellationToken);
                }
                finally
                {
                    Interlocked.Exchange(ref _orchestrationsWaitUntil, NotWaiting);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Logs.RoundFailed(_logger, ex);
                _cache.Clear();
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Runs one episode for every instance with visible messages; all commit in one group.</summary>
    /// <returns>Whether anything was committed.</returns>
    private async Task<bool> RunRoundAsync(SqlRunner sql, DateTime now)
    {
        var (groups, states) = ReadRound(sql, now);
        var commits = new List<EpisodeCommit>(groups.Count);
        foreach (var (instanceId, messages) in groups)
        {
            if (BuildEpisode(states[instanceId], instanceId, messages, now) is { } commit)
            {
                commits.Add(commit);
            }
        }

        if (commits.Count == 0)
        {
            return false;
        }

        var writes = commits.Select(c => Writer.ExecuteAsync(c.Apply)).ToList();
        for (var i = 0; i < commits.Count; i++)
        {
            try
            {
                await writes[i];
                commits[i].OnCommitted?.Invoke();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Logs.EpisodeCommitFailed(_logger, commits[i].InstanceId, ex);
                _cache.Remove(commits[i].InstanceId);
            }
        }

        TrimCache();
        return true;
    }

    /// <summary>Reads the visible inbox and the states of its instances in one snapshot.</summary>
    /// <remarks>Microsoft.Data.Sqlite is synchronous underneath; this runs on the dispatcher's own thread.</remarks>
    private (Dictionary<string, List<InboxMessage>> Groups, Dictionary<string, InstanceState?> States) ReadRound(SqlRunner sql, DateTime now)
    {
        var groups = new Dictionary<string, List<InboxMessage>>(StringComparer.Ordinal);
        var states = new Dictionary<string, InstanceState?>(StringComparer.Ordinal);
        using var transaction = sql.Connection.BeginTransaction(deferred: true);
        sql.Transaction = transaction;
        try
        {
            foreach (var message in ReadInbox(sql, now, _options.MaxMessagesPerRound))
            {
                if (!groups.TryGetValue(message.InstanceId, out var list))
                {
                    groups[message.InstanceId] = list = [];
                    states[message.InstanceId] = _cache.TryGetValue(message.InstanceId, out var cached) ? cached : LoadState(sql, message.InstanceId);
                }

                list.Add(message);
            }

            transaction.Commit();
        }
        finally
        {
            sql.Transaction = null;
        }

        return (groups, states);
    }

    private EpisodeCommit? BuildEpisode(InstanceState? state, string instanceId, List<InboxMessage> messages, DateTime now)
    {
        var commit = new EpisodeCommit(instanceId, now);
        commit.Consumed.AddRange(messages.Select(m => m.Id));
        if (state is null || state.IsTerminal)
        {
            return commit; // Late results, timers and events of an ended or purged instance are dropped.
        }

        var relevant = messages.Where(m => m.ExecutionId is null || m.ExecutionId == state.ExecutionId).ToList();
        var start = relevant.Find(m => m.Kind == HistoryEventKind.ExecutionStarted);
        if (state.History.Count == 0 && start is null)
        {
            return null; // Not started yet (scheduled start time): its events wait in the inbox.
        }

        Interlocked.Increment(ref _workItems);
        if (relevant.Find(m => m.Kind == HistoryEventKind.ExecutionTerminated) is { } terminate)
        {
            return Terminate(state, commit, terminate, now);
        }

        var fresh = new List<HistoryEvent>(relevant.Count + 2) { new(HistoryEventKind.OrchestratorStarted, -1, null, null, null, now) };
        if (start is not null && state.History.Count == 0)
        {
            fresh.Add(start.ToHistory(now));
        }

        foreach (var message in relevant)
        {
            if (message.Kind == HistoryEventKind.ExecutionStarted)
            {
                continue;
            }

            if (message.Kind == HistoryEventKind.TimerFired)
            {
                Interlocked.Increment(ref _workItems);
            }

            fresh.Add(message.ToHistory(now));
        }

        var executor = !_options.ReplayEveryEpisode && state.Executor is { } cached ? cached : Replay(state);
        executor.Process(fresh, replaying: false);
        var actions = executor.TakeNewActions();
        var appended = fresh.Concat(actions).ToList();
        commit.Actions.AddRange(actions);
        commit.ExecutionId = state.ExecutionId;
        commit.FirstSeq = state.History.Count;
        var input = state.Input;
        var customStatus = executor.CustomStatusSet ? executor.CustomStatus : state.CustomStatus;
        var outcome = executor.GetOutcome();
        for (var generation = 0; outcome.IsContinuedAsNew; generation++)
        {
            (executor, appended, input) = ContinueAsNew(state, commit, executor, now);
            customStatus = executor.CustomStatusSet ? executor.CustomStatus : customStatus;
            outcome = generation < 1000
                ? executor.GetOutcome()
                : ExecutionOutcome.Failed(new TaskFailureDetails(typeof(InvalidOperationException).FullName!, "ContinueAsNew looped 1000 times in one episode without waiting.", null, null));
        }

        Complete(state, commit, outcome, appended, now);
        commit.Input = input;
        commit.CustomStatus = customStatus;
        var finalExecutor = executor;
        commit.OnCommitted = () =>
        {
            if (commit.ResetHistory)
            {
                state.History.Clear();
            }

            state.History.AddRange(commit.Appended);
            state.ExecutionId = commit.ExecutionId;
            state.Input = commit.Input;
            state.CustomStatus = commit.CustomStatus;
            state.Status = commit.Status;
            state.Executor = _options.ReplayEveryEpisode || state.IsTerminal ? null : finalExecutor;
            Touch(state);
        };
        return commit;
    }

    private (OrchestrationExecutor Executor, List<HistoryEvent> Appended, string? Input) ContinueAsNew(
        InstanceState state, EpisodeCommit commit, OrchestrationExecutor ended, DateTime now)
    {
        var (input, preserve) = ended.ContinueAsNewRequest!.Value;
        // As Durable Task orders them: events that came after the request start the next execution's history
        // (DurableTask.Core's carry-over), then the buffered ones preserveUnprocessedEvents keeps (the worker sends
        // those to the instance itself, so they reach the next execution as new messages).
        var carried = ended.LateEvents.Concat(preserve ? ended.BufferedEvents : []).ToList();

        // Of the ended execution's actions only sent events take effect; its timers and tasks are discarded.
        commit.Actions.RemoveAll(a => a.Kind != HistoryEventKind.EventSent);
        commit.ResetHistory = true;
        commit.FirstSeq = 0;
        commit.ExecutionId = Guid.NewGuid().ToString("N");
        var executor = NewExecutor(state);
        var fresh = new List<HistoryEvent>(carried.Count + 2)
        {
            new(HistoryEventKind.OrchestratorStarted, -1, null, null, null, now),
            new(HistoryEventKind.ExecutionStarted, -1, state.Name, input, null, now),
        };
        fresh.AddRange(carried.Select(e => e with { Timestamp = now }));
        executor.Process(fresh, replaying: false);
        var actions = executor.TakeNewActions();
        commit.Actions.AddRange(actions);
        return (executor, fresh.Concat(actions).ToList(), input);
    }

    private void Complete(InstanceState state, EpisodeCommit commit, ExecutionOutcome outcome, List<HistoryEvent> appended, DateTime now)
    {
        commit.HasEpisode = true;
        commit.Status = outcome.Status;
        if (outcome.Status == OrchestrationRuntimeStatus.Completed)
        {
            appended.Add(new HistoryEvent(HistoryEventKind.ExecutionCompleted, -1, null, outcome.Output, null, now));
            commit.Output = outcome.Output;
            commit.NotifyParent = ParentMessage(state, HistoryEventKind.SubOrchestrationCompleted, outcome.Output);
        }
        else if (outcome.Status == OrchestrationRuntimeStatus.Failed)
        {
            var failure = FailureJson.Serialize(outcome.Failure!);
            Logs.OrchestrationFailed(_logger, state.InstanceId, outcome.Failure!.ErrorType, outcome.Failure.ErrorMessage);
            appended.Add(new HistoryEvent(HistoryEventKind.ExecutionFailed, -1, null, failure, null, now));
            commit.Failure = failure;
            commit.NotifyParent = ParentMessage(state, HistoryEventKind.SubOrchestrationFailed, failure);
        }

        commit.Appended = appended;
    }

    private EpisodeCommit Terminate(InstanceState state, EpisodeCommit commit, InboxMessage terminate, DateTime now)
    {
        commit.HasEpisode = true;
        commit.ResetHistory = false;
        commit.FirstSeq = state.History.Count;
        commit.ExecutionId = state.ExecutionId;
        commit.Input = state.Input;
        commit.CustomStatus = state.CustomStatus;
        commit.Status = OrchestrationRuntimeStatus.Terminated;
        commit.Output = terminate.Data;
        commit.Appended =
        [
            new(HistoryEventKind.OrchestratorStarted, -1, null, null, null, now),
            new(HistoryEventKind.ExecutionTerminated, -1, null, terminate.Data, null, now),
        ];
        commit.TerminateChildren = terminate.Extra == "recursive";
        var failure = new TaskFailureDetails("Terminated", $"The sub-orchestration '{state.InstanceId}' was terminated.", null, null);
        commit.NotifyParent = ParentMessage(state, HistoryEventKind.SubOrchestrationFailed, FailureJson.Serialize(failure));
        commit.OnCommitted = () => _cache.Remove(state.InstanceId);
        return commit;
    }

    private static ParentNotification? ParentMessage(InstanceState state, HistoryEventKind kind, string? data)
        => state.ParentInstanceId is { } parent ? new ParentNotification(parent, state.ParentExecutionId, kind, state.ParentTaskId, data) : null;

    private OrchestrationExecutor Replay(InstanceState state)
    {
        var executor = NewExecutor(state);
        executor.Process(state.History, replaying: true);
        return executor;
    }

    private OrchestrationExecutor NewExecutor(InstanceState state)
        => new(state.InstanceId, state.Name, _options.Registry, _converter, _loggerFactory, _services, state.Sync);

    private void Touch(InstanceState state)
    {
        if (state.IsTerminal)
        {
            _cache.Remove(state.InstanceId);
            return;
        }

        state.LastUsed = ++_useCounter;
        _cache[state.InstanceId] = state;
    }

    private void TrimCache()
    {
        if (_cache.Count <= _options.CacheCapacity)
        {
            return;
        }

        var excess = _cache.Count - _options.CacheCapacity;
        foreach (var state in _cache.Values.OrderBy(s => s.LastUsed).Take(excess).ToList())
        {
            _cache.Remove(state.InstanceId);
        }
    }

    private static List<InboxMessage> ReadInbox(SqlRunner sql, DateTime now, int limit)
    {
        var messages = new List<InboxMessage>();
        using var reader = sql.Query(
            "SELECT id, instance_id, execution_id, kind, task_id, name, data, extra FROM inbox WHERE visible_at <= $p0 ORDER BY visible_at, id LIMIT $p1",
            now.Ticks, limit);
        while (reader.Read())
        {
            messages.Add(new InboxMessage(
                reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                (HistoryEventKind)reader.GetInt32(3), reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return messages;
    }

    private static DateTime? NextDue(SqlRunner sql, DateTime now)
        => sql.Scalar("SELECT MIN(visible_at) FROM inbox WHERE visible_at > $p0", now.Ticks) is long ticks
            ? new DateTime(ticks, DateTimeKind.Utc)
            : null;

    private static InstanceState? LoadState(SqlRunner sql, string instanceId)
    {
        InstanceState state;
        using (var reader = sql.Query(
            "SELECT name, execution_id, status, input, custom_status, parent_instance_id, parent_execution_id, parent_task_id FROM instances WHERE instance_id = $p0",
            instanceId))
        {
            if (!reader.Read())
            {
                return null;
            }

            state = new InstanceState(instanceId, reader.GetString(0))
            {
                ExecutionId = reader.GetString(1),
                Status = (OrchestrationRuntimeStatus)reader.GetInt32(2),
                Input = reader.IsDBNull(3) ? null : reader.GetString(3),
                CustomStatus = reader.IsDBNull(4) ? null : reader.GetString(4),
                ParentInstanceId = reader.IsDBNull(5) ? null : reader.GetString(5),
                ParentExecutionId = reader.IsDBNull(6) ? null : reader.GetString(6),
                ParentTaskId = reader.IsDBNull(7) ? -1 : reader.GetInt32(7),
            };
        }

        if (state.IsTerminal)
        {
            return state;
        }

        using var history = sql.Query(
            "SELECT kind, task_id, name, data, extra, ts FROM history WHERE instance_id = $p0 ORDER BY seq", instanceId);
        while (history.Read())
        {
            state.History.Add(new HistoryEvent(
                (HistoryEventKind)history.GetInt32(0), history.GetInt32(1), history.IsDBNull(2) ? null : history.GetString(2),
                history.IsDBNull(3) ? null : history.GetString(3), history.IsDBNull(4) ? null : history.GetString(4),
                new DateTime(history.GetInt64(5), DateTimeKind.Utc)));
        }

        return state;
    }
}
