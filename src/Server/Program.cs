using System.CommandLine;
using Orchestration.Server;

var data = new Option<string>("--data") { Description = "The data folder (engine.db, stores.db, gcs/, executions/).", DefaultValueFactory = _ => DataFolder.Default };
var file = new Argument<FileInfo>("FILE") { Description = "The batch file (JSON). Without an id, one is derived from its name and content." };
var json = new Option<bool>("--json") { Description = "Print the aggregate JSON instead of the table (progress goes to stderr)." };
var cancel = new Option<bool>("--cancel") { Description = "Cancel the file's batch and wait for its cancelled aggregate." };
var allowClaude = new Option<bool>("--allow-local-claude") { Description = "Allow Claude tasks to run on this machine." };

var run = new Command("run", "Run a batch file on this machine: the engine in-process, runs as local processes, live progress, then the aggregate.")
{
    file, json, cancel, data, allowClaude,
};
run.SetAction((result, _) => new RunSession(new RunArguments(
    result.GetValue(file)!, result.GetValue(json), result.GetValue(cancel), result.GetValue(data)!, result.GetValue(allowClaude))).RunAsync());

var serve = new Command("serve", "Serve the HTTP API on the embedded engine (needs the API, not in this build).");
serve.SetAction(_ =>
{
    Console.Error.WriteLine("orchestration serve: the HTTP API (src/Api) is not part of this build yet; nothing was started. Use 'run FILE' to run a batch locally.");
    return ExitCodes.Refused;
});

var root = new RootCommand("Orchestration: run a batch of tasks n times each and report per-task pass and flag counts.") { run, serve };

// Ctrl-C belongs to 'run': the first press detaches, the second cancels.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
