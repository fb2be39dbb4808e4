using System.Text.Json.Serialization;
using Orchestration.Domain;

namespace Orchestration.Activities.Stores;

/// <summary>What an insert-if-absent found.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<BatchInsertOutcome>))]
public enum BatchInsertOutcome
{
    /// <summary>The batch was new and is now stored.</summary>
    Inserted,

    /// <summary>A batch with this id and the same hash was already stored: the same submission again.</summary>
    AlreadyExists,

    /// <summary>A batch with this id but a different hash is stored: a conflict.</summary>
    Conflict,
}
