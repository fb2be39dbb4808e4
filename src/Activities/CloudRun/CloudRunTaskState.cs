using System.Text.Json.Serialization;
using Orchestration.Domain;

namespace Orchestration.Activities.CloudRun;

/// <summary>State of one task of an execution, mapped from the Task resource.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<CloudRunTaskState>))]
public enum CloudRunTaskState
{
    /// <summary>Not started yet (scheduled or waiting for a parallelism slot).</summary>
    Pending,

    /// <summary>Its container runs.</summary>
    Running,

    /// <summary>Its last attempt exited 0.</summary>
    Succeeded,

    /// <summary>Its last attempt failed (non-zero exit, timeout, or died).</summary>
    Failed,

    /// <summary>Cancelled with its execution before it finished.</summary>
    Cancelled,
}
