
namespace Orchestration.Adapters.Queue;

/// <summary>Names and limits of the submission queue, shared by the standalone server and the Azure
/// Functions queue trigger.</summary>
public static class SubmissionQueues
{
    /// <summary>The queue batch documents (or blob references to them) are put on.</summary>
    public const string Name = "batch-submissions";

    /// <summary>Where messages that cannot be submitted end up, each with the reason beside it.</summary>
    public const string PoisonName = "batch-submissions-poison";

    /// <summary>Deliveries of one message before it is poisoned (the Functions host's <c>maxDequeueCount</c>).</summary>
    public const int MaxDequeueCount = 5;
}
