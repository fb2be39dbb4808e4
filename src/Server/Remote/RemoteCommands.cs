using System.CommandLine;
using System.CommandLine.Help;
using System.Net;

namespace Orchestration.Server.Remote;

/// <summary>The commands that work against a running server (<c>serve</c> or the Functions app) over its HTTP API:
/// submit, status, results, runs, pull, cancel, rejudge, rerun, purge, list and compare.</summary>
/// <remarks>Every one takes <c>--url</c> (env <c>ORCHESTRATION_URL</c>) and <c>--key</c> (env
/// <c>ORCHESTRATION_KEY</c>). The key has no default value in the help on purpose: help would print it.</remarks>
internal static partial class RemoteCommands
{
    public const string DefaultUrl = "http://127.0.0.1:8080";
    public const string UrlVariable = "ORCHESTRATION_URL";
    public const string KeyVariable = "ORCHESTRATION_KEY";

    /// <summary>Adds every remote command to the root command, and their exit codes (and those of
    /// <paramref name="run"/>) to its help.</summary>
    /// <param name="root">The root command.</param>
    /// <param name="run">The local <c>run</c> command.</param>
    public static void AddTo(RootCommand root, Command run)
    {
        Command[] commands = [Submit(), Status(), Results(), Runs(), Pull(), Cancel(), Rejudge(), Rerun(), Purge(), List(), Compare()];
        foreach (var command in commands)
        {
            root.Add(command);
        }

        foreach (var help in root.Options.OfType<HelpOption>())
        {
            var codes = commands.ToDictionary(c => c, _ => ExitCodesHelpAction.Text);
            codes[run] = ExitCodesHelpAction.RunText;
            help.Action = new ExitCodesHelpAction(help.Action!, codes);
        }
    }

    private static Argument<string> BatchId() => new("ID") { Description = "The batch id." };

    /// <summary>Adds the connection options and the action: errors become a clear message and an exit code.</summary>
    private static Command Wire(Command command, Func<RemoteContext, ParseResult, CancellationToken, Task<int>> body)
    {
        var url = new Option<string?>("--url") { Description = $"The server (env {UrlVariable}; default {DefaultUrl})." };
        var key = new Option<string?>("--key") { Description = $"The API key, sent as x-functions-key (env {KeyVariable})." };
        command.Add(url);
        command.Add(key);
        command.SetAction(async (result, cancellationToken) =>
        {
            var err = Console.Error;
            var text = result.GetValue(url) ?? Environment.GetEnvironmentVariable(UrlVariable) ?? DefaultUrl;
            if (!Uri.TryCreate(text, UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
            {
                await err.WriteLineAsync($"orchestration {command.Name}: --url '{text}' is not an http(s) URL such as {DefaultUrl}.").ConfigureAwait(false);
                return ExitCodes.Refused;
            }

            using var client = new OrchestrationClient(baseUrl, result.GetValue(key) ?? Environment.GetEnvironmentVariable(KeyVariable));
            try
            {
                return await body(new RemoteContext(client, Console.Out, err), result, cancellationToken).ConfigureAwait(false);
            }
            catch (OrchestrationApiException ex)
            {
                await WriteProblemAsync(err, command.Name, ex).ConfigureAwait(false);
                return ex.ExitCode;
            }
            catch (HttpRequestException ex)
            {
                await err.WriteLineAsync($"orchestration {command.Name}: could not reach {client.BaseUrl}: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.Unavailable;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await err.WriteLineAsync($"orchestration {command.Name}: {client.BaseUrl} did not answer in time.").ConfigureAwait(false);
                return ExitCodes.Unavailable;
            }
        });
        return command;
    }

    /// <summary>Prints an error answer: status, title, detail, and every listed problem with its path.</summary>
    private static async Task WriteProblemAsync(TextWriter err, string command, OrchestrationApiException ex)
    {
        var status = $"HTTP {(int)ex.Status}";
        if (ex.Problem is { } problem)
        {
            await err.WriteLineAsync($"orchestration {command}: the server answered {status}: {problem.Title}").ConfigureAwait(false);
            if (problem.Detail is { Length: > 0 } detail)
            {
                await err.WriteLineAsync($"  {detail}").ConfigureAwait(false);
            }

            foreach (var error in problem.Errors ?? [])
            {
                await err.WriteLineAsync($"  {error.Path}: {error.Message}").ConfigureAwait(false);
            }
        }
        else
        {
            await err.WriteLineAsync($"orchestration {command}: the server answered {status}: {ex.Body}").ConfigureAwait(false);
        }

        if (ex.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            await err.WriteLineAsync($"  Pass the server's key with --key or the {KeyVariable} environment variable.").ConfigureAwait(false);
        }
    }
}
