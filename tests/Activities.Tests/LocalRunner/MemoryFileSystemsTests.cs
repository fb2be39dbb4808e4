using Orchestration.Adapters.LocalRunner;

namespace Orchestration.Activities.Tests.LocalRunner;

public sealed class MemoryFileSystemsTests
{
    private static readonly List<(string MountPoint, bool InMemory)> Mounts = MemoryFileSystems.Parse(
    [
        "/dev/vda / ext4 rw,relatime 0 0",
        "devtmpfs /dev devtmpfs rw,relatime 0 0",
        "tmpfs /dev/shm tmpfs rw,relatime 0 0",
        "tmpfs /run tmpfs rw,nosuid 0 0",
        "/dev/sdb1 /run/media/disk ext4 rw 0 0",
        "none /mnt/ram\\040disk ramfs rw 0 0",
    ]);

    [Theory]
    [InlineData("/dev/shm/orchestration-ab12/exec-1/upload/result.json", true)]
    [InlineData("/dev/shm", true)]
    [InlineData("/run/user/1000/x", true)]
    [InlineData("/mnt/ram disk/x", true)]
    [InlineData("/run/media/disk/state/exit", false)]
    [InlineData("/dev/shmx/file", false)]
    [InlineData("/dev/null", false)]
    [InlineData("/work/data/executions/x/exit", false)]
    [InlineData("relative/path", false)]
    public void Holds_PathUnderTheLongestMountPoint_InMemoryOnlyForTmpfsAndRamfs(string path, bool expected)
    {
        Assert.Equal(expected, MemoryFileSystems.Holds(Mounts, path));
    }

    [Fact]
    public void Holds_NoMountTable_NothingIsInMemory()
    {
        Assert.False(MemoryFileSystems.Holds([], "/dev/shm/x"));
    }
}
