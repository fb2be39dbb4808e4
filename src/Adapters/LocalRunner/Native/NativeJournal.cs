using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary>The native execution's journal: one append-only file of named records in its state folder.</summary>
/// <remarks>
/// <para>
/// Each record is one line, a JSON array <c>["name","value"]</c>, appended and flushed to disk before the step it
/// records is taken. One file instead of a marker file per step: a file created (and later deleted) per step
/// was the local runner's largest cost per run on ext4, whose inode allocator slows down with every recently
/// deleted inode.
/// </para>
/// <para>
/// Only the execution's driver writes (it holds the execution's lock), so "record if absent" is a read then an
/// append, and the driver reads the file once and then keeps the records in memory (a driver after a crash is a
/// new instance and reads the file again). A line cut short by a crash is ignored when read, and the next append
/// starts a new line after it, so what was recorded whole is never lost or misread. The last record of a name is
/// its value.
/// </para>
/// <para>
/// The driver keeps the file open for its life (<see cref="Dispose"/> closes it) instead of opening and locking it
/// per record, which was most of a record's cost.
/// </para>
/// <para>
/// A process crash keeps every appended record (the page cache survives it). Only a machine crash can lose a
/// record that was not flushed to disk, and a machine crash also ends the work and empties the memory folder of
/// the execution's working files, so a resumed driver finds the execution lost as soon as the launch is recorded.
/// Hence only the records that stand for something no later driver may do again are flushed: the launch (never a
/// second spawn), and a cancel or a cancelled-before-the-work (never a launch after them). The rest (setup start,
/// claim, Claude's version, judgement, packing) are done again or found lost when missing.
/// </para>
/// </remarks>
internal sealed class NativeJournal(string path) : IDisposable
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private static readonly HashSet<string> Durable = new(StringComparer.Ordinal) { "work.launched", "work.none", "terminate.requested" };
    private readonly Lock _gate = new();
    private List<(string Name, string Value)>? _records;
    private FileStream? _stream;

    /// <summary>True when <paramref name="name"/> was recorded.</summary>
    /// <param name="name">Record name.</param>
    /// <returns>Whether a whole record of it exists.</returns>
    public bool Has(string name) => Read(name) is not null;

    /// <summary>The last value recorded for <paramref name="name"/>, or null.</summary>
    /// <param name="name">Record name.</param>
    /// <returns>The value.</returns>
    public string? Read(string name)
    {
        lock (_gate)
        {
            string? value = null;
            foreach (var (n, v) in Records())
            {
                if (n == name)
                {
                    value = v;
                }
            }

            return value;
        }
    }

    /// <summary>Records <paramref name="name"/> only if it has no record yet (a create-once marker).</summary>
    /// <param name="name">Record name.</param>
    /// <param name="value">Its value.</param>
    /// <returns>True when this call recorded it.</returns>
    public bool TryRecord(string name, string value)
    {
        lock (_gate)
        {
            if (Has(name))
            {
                return false;
            }

            Append(name, value);
            return true;
        }
    }

    /// <summary>Records a new value of <paramref name="name"/> (it replaces any earlier one).</summary>
    /// <param name="name">Record name.</param>
    /// <param name="value">Its value.</param>
    public void Record(string name, string value)
    {
        lock (_gate)
        {
            Append(name, value);
        }
    }

    /// <summary>Closes the file (the records stay readable in memory).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stream?.Dispose();
            _stream = null;
        }
    }

    private void Append(string name, string value)
    {
        var records = Records();
        var line = new StringBuilder();
        line.Append('[').Append(Literal(name)).Append(',').Append(Literal(value)).Append("]\n");
        _stream ??= new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        var length = _stream.Seek(0, SeekOrigin.End);
        if (length > 0)
        {
            // A line a crash cut short stays a bad line of its own. (Reading the last byte leaves the position at the end.)
            _stream.Position = length - 1;
            if (_stream.ReadByte() != '\n')
            {
                _stream.Write(NewLine);
            }
        }

        _stream.Write(Encoding.UTF8.GetBytes(line.ToString()));
        _stream.Flush(flushToDisk: Durable.Contains(name));
        records.Add((name, value));
    }

    private static string Literal(string text) => JsonSerializer.Serialize(text, NativeJournalJsonContext.Default.String);

    private List<(string Name, string Value)> Records() => _records ??= Load();

    private List<(string Name, string Value)> Load()
    {
        var text = LocalStateFiles.ReadText(path);
        var records = new List<(string, string)>();
        if (text is null)
        {
            return records;
        }

        var lines = text.Split('\n');

        // The last element follows the last newline: empty, or a line cut short.
        for (var i = 0; i < lines.Length - 1; i++)
        {
            try
            {
                if (JsonSerializer.Deserialize(lines[i], NativeJournalJsonContext.Default.StringArray) is [var name, var value])
                {
                    records.Add((name, value));
                }
            }
            catch (JsonException)
            {
                // A line cut short by a crash, followed by a newline of the next append.
            }
        }

        return records;
    }
}

/// <summary>Generated metadata of the journal's lines, with the serializer's default settings (the lines' form since
/// the journal's first version: a record's bytes do not change).</summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class NativeJournalJsonContext : JsonSerializerContext;
