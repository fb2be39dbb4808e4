using System.Text.Json;
using Microsoft.Extensions.Options;
using Orchestration.Adapters.LocalRunner;
using Orchestration.Domain;
using Orchestration.Workflows.Service;
using Spectre.Console;

namespace Orchestration.Server;

/// <summary><c>run FILE --dry-run</c>.</summary>
public sealed partial class RunSession
{

    /// <summary>Plans the file against the data folder without starting the host: no engine, no local runner, no
    /// lease on the folder (reading its stores beside a running server is safe), nothing written to the stores.</summary>
    private async Task<int> DryRunAsync(IHost host, byte[] document, List<string> claude)
    {
        PlanResult result;
        try
        {
            host.Services.GetRequiredService<DataFolder>().Create();
            var runner = host.Services.GetRequiredService<IOptions<LocalRunnerOptions>>().Value;
            var planner = ActivatorUtilities.CreateInstance<BatchPlanner>(host.Services, new LocalJobListing(runner.StateFolder));
            result = await planner.PlanAsync(document).ConfigureAwait(false);
        }
        catch (OptionsValidationException ex)
        {
            await _err.WriteLineAsync("Invalid settings; nothing was planned:").ConfigureAwait(false);
            foreach (var failure in ex.Failures)
            {
                await _err.WriteLineAsync($"  {failure}").ConfigureAwait(false);
            }

            return ExitCodes.Refused;
        }

        if (result.Plan is not { } plan)
        {
            // Validation ran before, with the same rules: this is only reached if the two ever disagree.
            foreach (var problem in result.Problems)
            {
                await _err.WriteLineAsync($"  {problem.Path}: {problem.Message}").ConfigureAwait(false);
            }

            return ExitCodes.Refused;
        }

        if (arguments.Json)
        {
            await _out.WriteLineAsync(JsonSerializer.Serialize(plan, ServerJson.WebIndented.Info<DryRunPlan>())).ConfigureAwait(false);
        }
        else
        {
            var interactive = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
            var console = interactive ? AnsiConsole.Console : AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_out), Ansi = AnsiSupport.No });
            if (!interactive)
            {
                console.Profile.Width = 200;
            }

            console.Write(DryRunReport.Render(plan, ascii: !interactive));
        }

        if (claude.Count > 0 && !arguments.AllowLocalClaude)
        {
            await _err.WriteLineAsync($"Note: run would refuse this file without --allow-local-claude (Claude tasks: {string.Join(", ", claude)}).").ConfigureAwait(false);
        }

        return ExitCodes.Completed;
    }
}
