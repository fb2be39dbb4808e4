using System.Text.Json.Serialization;
using Orchestration.Domain;

namespace Orchestration.Activities.CloudRun;

/// <summary>Execution state mapped from Cloud Run's conditions and counts.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<CloudRunExecutionState>))]
public enum CloudRunExecutionState
{
    /// <summary>Accepted, no task started yet.</summary>
    Pending,

    /// <summary>A task is running (or a cancel is in progress).</summary>
    Running,

    /// <summary><c>Completed</c> succeeded.</summary>
    Succeeded,

    /// <summary><c>Completed</c> failed for a reason other than cancellation.</summary>
    Failed,

    /// <summary><c>Completed</c> failed with execution reason <c>CANCELLED</c>.</summary>
    Cancelled,
}
