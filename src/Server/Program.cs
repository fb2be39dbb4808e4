using System.CommandLine;
using Orchestration.Server;
using Orchestration.Server.Remote;

var data = new Option<string>("--data") { Description = "The data folder (engine.db, stores.db, gcs/, executions/).", DefaultValueFactory = _ => DataFolder.Default };
var file = new Argument<FileInfo>("FILE") { Description = "The batch file (JSON). Without an id, one is derived from its name and content." };
var json = new Option<bool>("--json") { Description = "Print the aggregate JSON instead of the table (progress goes to stderr)." };
var cancel = new Option<bool>("--cancel") { Description = "Cancel the file's batch and wait for its cancelled aggregate." };
var allowClaude = new Option<bool>("--allow-local-claude") { Description = "Allow Claude tasks to run on this machine." };
var dryRun = new Option<bool>("--dry-run") { Description = "Plan the file against the data folder (runs, chunks, jobs, input sets, estimated cost) and print the plan; nothing runs or is stored." };
var parallel = new Option<int?>("--parallel") { Description = "Runs in flight at most, over the file's maxParallelRuns (default there: cores x 4); part of the batch, like the file's content.", HelpName = "N" };

var run = new Command("run", "Run a batch file on this machine: the engine in-process, runs as local processes, live progress, then the aggregate.")
{
    file, json, cancel, data, allowClaude, parallel, dryRun,
};
run.SetAction((result, _) => new RunSession(new RunArguments(
    result.GetValue(file)!, result.GetValue(json), result.GetValue(cancel), result.GetValue(data)!, result.GetValue(allowClaude), result.GetValue(parallel),
    result.GetValue(dryRun))).RunAsync());

var urls = new Option<string?>("--urls") { Description = $"Where to listen, ';'-separated (default: ASPNETCORE_URLS, else {ServeCommand.DefaultUrls})." };
var insecure = new Option<bool>("--allow-insecure-remote") { Description = "Listen on a non-loopback address without API keys and TLS: anyone who reaches the port can run commands here." };
var serve = new Command("serve", "Serve the HTTP API on the embedded engine, with runs on the local job runner.") { urls, data, insecure };
serve.SetAction((result, token) => ServeCommand.RunAsync(new ServeArguments(result.GetValue(urls), result.GetValue(data)!, result.GetValue(insecure)), token));

var hostData = new Option<string>("--data") { Description = "The data folder.", Required = true };
var background = new Command(BackgroundHost.CommandName, "The background host 'run' leaves a detached batch to.") { hostData };
background.Hidden = true;
background.SetAction((result, token) => BackgroundHost.RunAsync(result.GetValue(hostData)!, token));

var root = new RootCommand("Orchestration: run a batch of tasks n times each and report per-task pass and flag counts.") { run, serve, background };
RemoteCommands.AddTo(root, run);

// Ctrl-C belongs to 'run': the first press detaches, the second cancels.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
