namespace Orchestration.Activities.CloudRun;

/// <summary>
/// Word of an execution's end as it happens, for the run that polls it: StartRun says which run waits on the
/// execution it started, and a platform that sees its executions end says so; the run then polls at once instead of
/// at its next poll time. The local runner says so; Cloud Run does not, and its runs keep to their poll schedule.
/// </summary>
/// <remarks>
/// A hint only: the run's polls stay what judges it, and a hint that is lost (the host restarted, the execution ended
/// before anyone watched it long ago) costs only the wait for the next poll. Not registered in the Functions app.
/// </remarks>
public interface IExecutionEnds
{
    /// <summary>Notes that the run orchestration <paramref name="runInstanceId"/> polls <paramref name="executionName"/>.</summary>
    /// <param name="executionName">The execution's full name.</param>
    /// <param name="runInstanceId">The run orchestration's instance id.</param>
    void Watch(string executionName, string runInstanceId);

    /// <summary>Says that <paramref name="executionName"/> ended (its outcome is readable).</summary>
    /// <param name="executionName">The execution's full name.</param>
    void Ended(string executionName);
}
