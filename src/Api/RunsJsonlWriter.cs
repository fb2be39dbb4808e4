using System.Text.Json;
using Orchestration.Workflows.Service;

namespace Orchestration.Api;

/// <summary>Writes run rows as JSON Lines: one flat object per line.</summary>
/// <param name="output">Where to write (UTF-8).</param>
/// <param name="columns">The columns.</param>
internal sealed class RunsJsonlWriter(TextWriter output, RunColumns columns)
{
    public async Task WriteAsync(IEnumerable<RunView> rows, CancellationToken cancellationToken)
    {
        foreach (var row in rows)
        {
            var line = JsonSerializer.Serialize(columns.Object(row), RunColumns.Row) + "\n";
            await output.WriteAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
        }
    }
}
