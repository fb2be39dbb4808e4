using Orchestration.Workflows.Service;

namespace Orchestration.Api;

/// <summary>Writes run rows as RFC 4180 CSV with a header row.</summary>
/// <param name="output">Where to write (UTF-8).</param>
/// <param name="columns">The columns.</param>
internal sealed class RunsCsvWriter(TextWriter output, RunColumns columns)
{
    public Task WriteHeaderAsync(CancellationToken cancellationToken) =>
        output.WriteAsync(Csv.Record(columns.Names).AsMemory(), cancellationToken);

    public async Task WriteAsync(IEnumerable<RunView> rows, CancellationToken cancellationToken)
    {
        foreach (var row in rows)
        {
            await output.WriteAsync(Csv.Record(columns.Values(row).Select(RunColumns.Text)).AsMemory(), cancellationToken).ConfigureAwait(false);
        }
    }
}
