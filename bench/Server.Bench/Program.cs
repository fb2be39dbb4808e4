// Benchmarks of the standalone server's composition (AddStandaloneOrchestration from src/Server):
//   bare [runs] [parallelism] [native-binary]
//                                 what a user gets: 'run FILE --parallel P' of 'true' and 'sleep 0.1' vs xargs -P
//                                 running the bare command
//   pairs BINARY_A BINARY_B [pairs] [runs] [parallelism] [data-root]
//                                 two builds alternated on 'true' (data in /dev/shm unless a root is given)
//   runner [runs] [parallelism]   the container script: the product vs xargs -P running runner/runner.sh
//   load [seconds] [submitters] [submitIntervalMs] [statusPerSecond]
//                                 the HTTP API on loopback under steady submissions and status reads
// All stop by themselves, print figures, and exit non-zero when a check fails.
using System.Globalization;
using Orchestration.Server.Bench;

int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

return args.FirstOrDefault() switch
{
    "bare" => await BareBench.RunAsync(Arg(1, 1000), Arg(2, 16), args.Length > 3 ? args[3] : null),
    "pairs" when args.Length >= 3 => await BareBench.PairsAsync(args[1], args[2], Arg(3, 4), Arg(4, 1000), Arg(5, 16), args.Length > 6 ? args[6] : null),
    "runner" => await RunnerBench.RunAsync(Arg(1, 1000), Arg(2, 16)),
    "load" => await LoadBench.RunAsync(new LoadSettings(
        TimeSpan.FromSeconds(Arg(1, 60)), Arg(2, 50), TimeSpan.FromMilliseconds(Arg(3, 10_000)), Arg(4, 200))),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Orchestration.Server.Bench bare [runs=1000] [parallelism=16] [native-binary]");
    Console.Error.WriteLine("       Orchestration.Server.Bench pairs BINARY_A BINARY_B [pairs=4] [runs=1000] [parallelism=16] [data-root=/dev/shm]");
    Console.Error.WriteLine("       Orchestration.Server.Bench runner [runs=1000] [parallelism=16]");
    Console.Error.WriteLine("       Orchestration.Server.Bench load [seconds=60] [submitters=50] [submitIntervalMs=10000] [statusPerSecond=200]");
    return 2;
}
