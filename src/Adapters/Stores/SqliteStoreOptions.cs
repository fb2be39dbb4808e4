using System.ComponentModel.DataAnnotations;

namespace Orchestration.Adapters.Stores;

/// <summary>Where the standalone host keeps its batch and result stores.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Stores:Sqlite";

    /// <summary>The SQLite file (created when missing).</summary>
    [Required]
    public string DatabasePath { get; set; } = "orchestration-stores.db";
}
