using System.CommandLine;
using System.CommandLine.Invocation;

namespace Orchestration.Server.Remote;

/// <summary>The usual help, followed by the exit codes when the command is a remote one.</summary>
/// <remarks>A separate section rather than part of each description: the root help lists every
/// subcommand's description, and eight copies of the same codes would bury the commands.</remarks>
/// <param name="inner">The default help action.</param>
/// <param name="commands">The remote commands.</param>
internal sealed class ExitCodesHelpAction(CommandLineAction inner, IReadOnlyCollection<Command> commands) : SynchronousCommandLineAction
{
    public const string Text = """
        Exit codes:
          0  done
          1  the batch did not complete: cancelled, failed or terminated (status --watch)
          2  refused: an invalid file, option or request (HTTP 400, 413)
          3  not found: no such batch, task or results yet (HTTP 404)
          4  conflict: a different batch has the id, or the batch has (not) finished (HTTP 409)
          5  unauthorized: missing or wrong key (HTTP 401, 403)
          6  the server could not be reached, timed out, or failed (HTTP 5xx)
        """;

    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var code = inner is SynchronousCommandLineAction synchronous ? synchronous.Invoke(parseResult) : 0;
        if (commands.Contains(parseResult.CommandResult.Command))
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Text);
        }

        return code;
    }
}
