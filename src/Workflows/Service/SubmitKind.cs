using System.Text.Json.Serialization;
using Orchestration.Domain;

namespace Orchestration.Workflows.Service;

/// <summary>The kinds of submission outcome.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<SubmitKind>))]
public enum SubmitKind
{
    /// <summary>Stored and scheduled (or the same batch was already there).</summary>
    Accepted,

    /// <summary>The document has problems; nothing was stored or started.</summary>
    Invalid,

    /// <summary>The id is taken by a different batch, or is being purged.</summary>
    Conflict,
}
