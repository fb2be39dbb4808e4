using System.Text;
using Microsoft.Data.Sqlite;

namespace Orchestration.Server.Tests;

/// <summary>Every value of every table of a SQLite database as text, blobs decoded as UTF-8.</summary>
internal static class SqliteDump
{
    public static string All(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var text = new StringBuilder();
        foreach (var table in tables)
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(reader.GetValue(i) switch { byte[] b => Encoding.UTF8.GetString(b), var v => v?.ToString() }).Append('\n');
                }
            }
        }

        return text.ToString();
    }
}
