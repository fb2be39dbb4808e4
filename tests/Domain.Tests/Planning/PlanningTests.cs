using CsCheck;
using Orchestration.Domain.Documents;
using Orchestration.Domain.Planning;
using Orchestration.Domain.Tests.Validation;
using Orchestration.Domain.Validation;

namespace Orchestration.Domain.Tests.Planning;

public sealed class PlanningTests
{
    [Fact]
    public void InstanceIds_FollowTheDesignFormat()
    {
        Assert.Equal("b1", InstanceIds.Batch("b1"));
        Assert.Equal("b1:c3", InstanceIds.Chunk("b1", 3));
        Assert.Equal("b1:t2:r17", InstanceIds.Run("b1", new RunRef(2, 17)));
        Assert.StartsWith(InstanceIds.ChunkPrefix("b1"), InstanceIds.Chunk("b1", 0), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("b1:t2:r17", true, "b1", 2, 17)]
    [InlineData("b.x-1:t0:r0", true, "b.x-1", 0, 0)]
    [InlineData("b1:c3", false, "", 0, 0)]
    [InlineData("b1:t02:r1", false, "", 0, 0)]
    [InlineData("b1:t-1:r1", false, "", 0, 0)]
    [InlineData("b1:t1:r1:x", false, "", 0, 0)]
    public void TryParseRun_Candidate_ParsesOnlyRunIds(string id, bool ok, string batchId, int ordinal, int index)
    {
        var parsed = InstanceIds.TryParseRun(id, out var batch, out var run);

        Assert.Equal(ok, parsed);
        Assert.Equal(batchId, batch);
        Assert.Equal(ok ? new RunRef(ordinal, index) : default, run);
    }

    [Fact]
    public void LaunchOrder_RoundRobinAcrossTasks()
    {
        var order = ChunkPlanner.LaunchOrder([2, 1, 3]).ToArray();

        Assert.Equal(
            [new RunRef(0, 0), new RunRef(1, 0), new RunRef(2, 0), new RunRef(0, 1), new RunRef(2, 1), new RunRef(2, 2)],
            order);
    }

    [Fact]
    public void Chunks_EveryRunInExactlyOneChunk_Property()
    {
        Gen.Select(Gen.Int[1, 1000].Array[1, 30], Gen.Int[1, 700]).Sample((counts, size) =>
        {
            var chunks = ChunkPlanner.Chunks(counts, size);
            var runs = chunks.SelectMany(c => ChunkPlanner.RunsOf(counts, c)).ToList();
            var expected = counts.SelectMany((n, t) => Enumerable.Range(0, n).Select(i => new RunRef(t, i))).ToHashSet();
            return runs.Count == counts.Sum()
                && runs.ToHashSet().SetEquals(expected)
                && chunks.All(c => c.Count is > 0 && c.Count <= size)
                && chunks.Select((c, i) => c.Index == i).All(x => x);
        }, iter: 200);
    }

    [Theory]
    [InlineData(50, 500, 20, 1, 50)]
    [InlineData(1000, 500, 20, 2, 500)]
    [InlineData(1000, 300, 20, 4, 250)]
    [InlineData(1000, 500, 1, 1, 500)]
    [InlineData(7, 3, 10, 3, 2)]
    [InlineData(1, 500, 5, 1, 1)]
    public void Concurrency_Examples(int maxParallel, int chunkSize, int chunkCount, int k, int window)
    {
        Assert.Equal(new ChunkConcurrency(k, window), ChunkPlanner.Concurrency(maxParallel, chunkSize, chunkCount));
    }

    [Fact]
    public void Concurrency_NeverExceedsMaxParallelRuns_Property()
    {
        Gen.Select(Gen.Int[1, 1000], Gen.Int[1, 1000], Gen.Int[1, 100]).Sample((max, size, count) =>
        {
            var c = ChunkPlanner.Concurrency(max, size, count);
            return c.ChunksAtOnce * c.WindowPerChunk <= max && c.WindowPerChunk <= size && c.ChunksAtOnce <= count;
        }, iter: 2000);
    }

    [Fact]
    public void JobKey_StableAcrossProcesses_AndSharedByEqualProfiles()
    {
        var batch = BatchIntake.Read(System.Text.Encoding.UTF8.GetBytes(ValidDocumentsTests.DesignSample), new BatchLimits(), new BatchDefaults(), () => "x").Batch!;
        var identities = new Dictionary<TaskKind, JobIdentity>
        {
            [TaskKind.Command] = new("runner-command@p.iam.gserviceaccount.com", new Dictionary<string, string>()),
            [TaskKind.Claude] = new("runner-claude@p.iam.gserviceaccount.com", new Dictionary<string, string> { ["ANTHROPIC_API_KEY"] = "projects/p/secrets/anthropic:latest" }),
        };

        var claude = JobKey.For(batch.Tasks[0], identities, "1");
        var command = JobKey.For(batch.Tasks[1], identities, "1");
        var commandAgain = JobKey.For(batch.Tasks[1] with { Id = "other", N = 99 }, identities, "1");
        var newerRunner = JobKey.For(batch.Tasks[1], identities, "2");
        var packed = JobKey.For(batch.Tasks[1], identities, "1", parallelism: 0);

        Assert.Equal(command.Hash12, commandAgain.Hash12);
        Assert.NotEqual(command.Hash12, claude.Hash12);
        Assert.NotEqual(command.Hash12, newerRunner.Hash12);
        Assert.Matches("^orch-[0-9a-f]{12}$", command.JobName("orch"));
        // A golden value: the name must not change between releases or hosts, or jobs multiply.
        Assert.Equal("3ab0d3ca7761", command.Hash12);

        // A pack job (tasks at Cloud Run's most parallelism) is a job of its own: a single-run job of the key keeps its
        // parallelism of 1 and its name.
        Assert.NotEqual(command.Hash12, packed.Hash12);
        Assert.Equal(packed.Hash12, JobKey.For(batch.Tasks[1] with { Id = "other" }, identities, "1", parallelism: 0).Hash12);
    }

    [Fact]
    public void InputSets_IdenticalInputsShareOneSet()
    {
        var json = """
            {"tasks": [
              {"id": "a", "command": "x", "inputs": {"f": {"text": "1"}}},
              {"id": "b", "command": "y", "inputs": {"f": {"text": "1"}}},
              {"id": "c", "command": "z", "inputs": {"f": {"text": "2"}}},
              {"id": "d", "command": "w"}]}
            """;
        var batch = BatchIntake.Read(System.Text.Encoding.UTF8.GetBytes(json), new BatchLimits(), new BatchDefaults(), () => "x").Batch!;

        var sets = InputSets.Distinct(batch);

        Assert.Equal(2, sets.Count);
        Assert.Equal([0, 1], sets[0].Value);
        Assert.Equal([2], sets[1].Value);
    }
}
