using System.Text;

namespace Orchestration.Domain.Polling;

/// <summary>A hash that is the same in every process and on every replay.</summary>
/// <remarks><see cref="string.GetHashCode()"/> is randomised per process, so a replayed orchestrator
/// would compute different timers: FNV-1a 64 over UTF-8, then a SplitMix64 finaliser so that keys
/// differing in one trailing character still land far apart.</remarks>
internal static class StableHash
{
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Of(string text)
    {
        var hash = OffsetBasis;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * Prime;
        }

        return Mix(hash);
    }

    /// <summary>A number in [0, 1) derived from <paramref name="text"/>.</summary>
    public static double Unit(string text) => (Of(text) >> 11) * (1.0 / (1UL << 53));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
