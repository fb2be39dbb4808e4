namespace Orchestration.Workflows;

/// <summary>External event names.</summary>
public static class Events
{
    /// <summary>Stop: sent by a client to a batch, by a batch to its chunks, by a chunk to its runs.</summary>
    public const string Cancel = "Cancel";

    /// <summary>A chunk tells its batch a batch-level fault keeps happening (payload: <see cref="FaultNotice"/>).</summary>
    public const string Fault = "Fault";

    /// <summary>A packed run asks its chunk to start its attempt (payload: <see cref="PackRequest"/>).</summary>
    public const string StartRequest = "StartRequest";

    /// <summary>The chunk tells a packed run where its attempt runs (payload: <see cref="PackStart"/>).</summary>
    public const string Started = "Started";

    /// <summary>The host tells a run that the execution it polls ended, where the platform says so (the local runner):
    /// the run polls at once instead of at its next poll time (payload: the execution's name).</summary>
    public const string ExecutionEnded = "ExecutionEnded";
}
