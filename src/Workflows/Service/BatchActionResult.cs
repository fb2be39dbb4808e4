using System.Text.Json.Serialization;
using Orchestration.Domain;

namespace Orchestration.Workflows.Service;

/// <summary>The outcome of cancel, purge and bundle upload.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<BatchActionResult>))]
public enum BatchActionResult
{
    /// <summary>Accepted (the work may continue in the background).</summary>
    Accepted,

    /// <summary>No such batch.</summary>
    NotFound,

    /// <summary>The batch is in a state that refuses the action (e.g. purge of a running batch).</summary>
    Conflict,

    /// <summary>The request itself is wrong (e.g. a bundle whose hash does not match).</summary>
    Invalid,
}
