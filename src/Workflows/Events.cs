namespace Orchestration.Workflows;

/// <summary>External event names.</summary>
public static class Events
{
    /// <summary>Stop: sent by a client to a batch, by a batch to its chunks, by a chunk to its runs.</summary>
    public const string Cancel = "Cancel";

    /// <summary>A chunk tells its batch a batch-level fault keeps happening (payload: <see cref="FaultNotice"/>).</summary>
    public const string Fault = "Fault";
}
