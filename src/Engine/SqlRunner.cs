using Microsoft.Data.Sqlite;

namespace Orchestration.Engine;

/// <summary>Runs SQL on one connection, keeping one prepared command per statement text.</summary>
/// <remarks>Parameters are positional: <c>$p0</c>, <c>$p1</c>, ... Re-using a command keeps its prepared
/// statement, which matters when one transaction writes thousands of rows.</remarks>
internal class SqlRunner(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteConnection Connection => connection;

    public SqliteTransaction? Transaction { get; set; }

    public int Execute(string sql, params object?[] args) => Prepare(sql, args).ExecuteNonQuery();

    public object? Scalar(string sql, params object?[] args)
    {
        var value = Prepare(sql, args).ExecuteScalar();
        return value is DBNull ? null : value;
    }

    public SqliteDataReader Query(string sql, params object?[] args) => Prepare(sql, args).ExecuteReader();

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }

    private SqliteCommand Prepare(string sql, object?[] args)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
#pragma warning disable CA2100 // Statement texts are constants of this assembly; values always go through parameters.
            command = new SqliteCommand(sql, connection);
#pragma warning restore CA2100
            for (var i = 0; i < args.Length; i++)
            {
                command.Parameters.Add(new SqliteParameter("$p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), null));
            }

            _commands[sql] = command;
        }

        command.Transaction = Transaction;
        for (var i = 0; i < args.Length; i++)
        {
            command.Parameters[i].Value = args[i] ?? DBNull.Value;
        }

        return command;
    }
}
