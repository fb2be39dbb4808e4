using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Durable;

namespace Orchestration.Engine;

/// <summary>Activity dispatch: at least once, bounded concurrency, result and acknowledgement in one commit.</summary>
public sealed partial class DurableEngine
{
    private readonly ConcurrentDictionary<Task, bool> _runningActivities = new();
    private readonly ConcurrentQueue<ActivityWorkItem> _activityRetries = new();

    private async Task ActivityLoopAsync(CancellationToken cancellationToken)
    {
        using var connection = EngineDatabase.Open(_connectionString);
        using var sql = new SqlRunner(connection);
        // Not disposed: running activities release them after the loop ends. Executing activities are bounded by
        // the option; results waiting for their group commit by a larger window, so a slow fsync never idles workers.
        var slots = new SemaphoreSlim(_options.MaxConcurrentActivities);
        var unacknowledged = new SemaphoreSlim(Math.Max(1024, _options.MaxConcurrentActivities * 32));

        // Rows only ever get higher ids, so everything above the high-water mark is new; after a restart the
        // mark starts at zero and every unacknowledged activity is dispatched again.
        long highWater = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var items = new List<ActivityWorkItem>();
                while (_activityRetries.TryDequeue(out var retry))
                {
                    items.Add(retry);
                }

                items.AddRange(ReadActivities(sql, highWater));
                if (items.Count == 0)
                {
                    Volatile.Write(ref _activitiesWaiting, true);
                    try
                    {
                        await _activitySignal.WaitAsync(cancellationToken);
                    }
                    finally
                    {
                        Volatile.Write(ref _activitiesWaiting, false);
                    }

                    continue;
                }

                foreach (var item in items)
                {
                    highWater = Math.Max(highWater, item.Id);
                    await unacknowledged.WaitAsync(cancellationToken);
                    await slots.WaitAsync(cancellationToken);
                    var task = RunActivityAsync(item, slots, unacknowledged, cancellationToken);
                    _runningActivities[task] = true;
                    _ = task.ContinueWith(t => _runningActivities.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Logs.ActivityLoopFailed(_logger, ex);
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

    private async Task RunActivityAsync(ActivityWorkItem item, SemaphoreSlim slots, SemaphoreSlim unacknowledged, CancellationToken stopping)
    {
        await Task.Yield();
        try
        {
            (HistoryEventKind Kind, string? Data) result;
            try
            {
                result = await ExecuteActivityAsync(item, stopping);
            }
            finally
            {
                slots.Release();
            }

            var (kind, data) = result;
            Interlocked.Increment(ref _workItems);
            await Writer.ExecuteAsync(batch =>
            {
                // Deleting the row acknowledges the work item; only the first result of a row is recorded.
                if (batch.DeleteActivity(item.Id) == 1)
                {
                    batch.InsertInbox(item.InstanceId, item.ExecutionId, kind, item.TaskId, item.Name, data, null, UtcNow());
                }
            });
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            if (!stopping.IsCancellationRequested)
            {
                Logs.ActivityCommitFailed(_logger, item.Name, item.InstanceId, ex);
                _activityRetries.Enqueue(item);
                Signal(_activitySignal);
            }
        }
        finally
        {
            unacknowledged.Release();
        }
    }

    private async Task<(HistoryEventKind Kind, string? Data)> ExecuteActivityAsync(ActivityWorkItem item, CancellationToken stopping)
    {
        try
        {
            var scopeFactory = _services.GetService<IServiceScopeFactory>();
            await using var scope = scopeFactory?.CreateAsyncScope();
            var services = scope?.ServiceProvider ?? _services;
            var activity = _options.Registry.CreateActivity(item.Name, services)
                ?? throw new InvalidOperationException($"No activity named '{item.Name}' is registered.");
            var input = _converter.Deserialize(item.Input, activity.InputType);
            var output = await activity.RunAsync(new EngineActivityContext(item.Name, item.InstanceId, stopping), input);
            return (HistoryEventKind.TaskCompleted, _converter.Serialize(output));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped by the engine's stop, not failed: the row stays unacknowledged and runs again after a restart.
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return (HistoryEventKind.TaskFailed, FailureJson.Serialize(TaskFailureDetails.FromException(ex)));
        }
    }

    private static List<ActivityWorkItem> ReadActivities(SqlRunner sql, long highWater)
    {
        var items = new List<ActivityWorkItem>();
        using var reader = sql.Query(
            "SELECT id, instance_id, execution_id, task_id, name, input FROM activities WHERE id > $p0 ORDER BY id LIMIT 2000", highWater);
        while (reader.Read())
        {
            items.Add(new ActivityWorkItem(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return items;
    }
}
