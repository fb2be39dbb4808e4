using System.CommandLine;
using System.CommandLine.Invocation;

namespace Orchestration.Server.Remote;

/// <summary>The usual help, followed by the exit codes of the command asked about.</summary>
/// <remarks>A separate section rather than part of each description: the root help lists every
/// subcommand's description, and eight copies of the same codes would bury the commands.</remarks>
/// <param name="inner">The default help action.</param>
/// <param name="codes">The exit codes section of each command that has one.</param>
internal sealed class ExitCodesHelpAction(CommandLineAction inner, IReadOnlyDictionary<Command, string> codes) : SynchronousCommandLineAction
{
    public const string Text = """
        Exit codes:
          0  done
          1  the batch did not complete: cancelled, failed, terminated or stopped (status --watch)
          2  refused: an invalid file, option or request (HTTP 400, 413)
          3  not found: no such batch, task or results yet (HTTP 404)
          4  conflict: a different batch has the id, or the batch has (not) finished (HTTP 409)
          5  unauthorized: missing or wrong key (HTTP 401, 403)
          6  the server could not be reached, timed out, or failed (HTTP 5xx)
        """;

    public const string RunText = """
        Exit codes:
          0    the batch completed (whatever its runs' outcomes)
          1    the batch did not complete: cancelled, failed, terminated or stopped
          2    refused, nothing started: an invalid file, a refused option or a bad setting
          130  detached on Ctrl-C: the batch goes on in the background; the same command attaches again
        """;

    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var code = inner is SynchronousCommandLineAction synchronous ? synchronous.Invoke(parseResult) : 0;
        if (codes.TryGetValue(parseResult.CommandResult.Command, out var text))
        {
            parseResult.InvocationConfiguration.Output.WriteLine(text);
        }

        return code;
    }
}
