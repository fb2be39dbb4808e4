using System.Text.Json.Serialization;
using Orchestration.Domain;

namespace Orchestration.Api.Queue;

/// <summary>What reading a referenced batch document found.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<SubmissionBlobStatus>))]
public enum SubmissionBlobStatus
{
    /// <summary>The blob exists and is within the limit; its content is read.</summary>
    Found,

    /// <summary>No such container or blob.</summary>
    Missing,

    /// <summary>The blob is larger than the limit; it was not downloaded.</summary>
    TooLarge,
}
