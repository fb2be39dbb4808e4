using System.Globalization;

namespace Orchestration.Server.Tests;

/// <summary>One line of the effects file: a run's command ran in this execution.</summary>
internal sealed record Effect(string Task, int Index, int Attempt, string Execution)
{
    public static Effect Parse(string line)
    {
        var parts = line.Split(':');
        Assert.True(parts.Length == 4, $"malformed effect line '{line}'");
        return new Effect(parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture), parts[3]);
    }
}
