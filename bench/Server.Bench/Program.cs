// Benchmarks of the standalone server's composition (AddStandaloneOrchestration from src/Server):
//   runner [runs] [parallelism]   local runner overhead: the product vs xargs -P running runner/runner.sh
//   load [seconds] [submitters] [submitIntervalMs] [statusPerSecond]
//                                 the HTTP API on loopback under steady submissions and status reads
// Both stop by themselves, print figures, and exit non-zero when a check fails.
using System.Globalization;
using Orchestration.Server.Bench;

int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

return args.FirstOrDefault() switch
{
    "runner" => await RunnerBench.RunAsync(Arg(1, 1000), Arg(2, 16)),
    "load" => await LoadBench.RunAsync(new LoadSettings(
        TimeSpan.FromSeconds(Arg(1, 60)), Arg(2, 50), TimeSpan.FromMilliseconds(Arg(3, 10_000)), Arg(4, 200))),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Orchestration.Server.Bench runner [runs=1000] [parallelism=16]");
    Console.Error.WriteLine("       Orchestration.Server.Bench load [seconds=60] [submitters=50] [submitIntervalMs=10000] [statusPerSecond=200]");
    return 2;
}
