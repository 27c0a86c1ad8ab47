using MuseumSync.Profiles;

namespace MuseumSync.Core.Tests.Profiles;

/// <summary>
/// Issue #17's "done when": the README's profile table says, per museum profile, the rights, limits, caps and paging it
/// assumes and where each fact comes from. A profile added without its row, or a row with an empty cell or no source
/// link, fails here.
/// </summary>
public sealed class ReadmeProfileTableTests
{
    private static List<string[]> Rows()
    {
        var lines = File.ReadAllLines(Path.Combine(TestPaths.RepoRoot!, "README.md"));
        var start = Array.FindIndex(lines, l => l.StartsWith("## What each museum profile assumes", StringComparison.Ordinal));
        Assert.True(start >= 0, "README.md has no section '## What each museum profile assumes'.");
        var table = lines.Skip(start).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).ToList();
        Assert.Equal("| profile | rights | limits | caps | paging | where the facts come from |", table[0]);
        // Cells split on " | " (a pipe inside a cell is written \|).
        return table.Skip(2).Select(l => l.Trim('|').Replace("\\|", "\u0001", StringComparison.Ordinal).Split(" | ").Select(c => c.Trim()).ToArray()).ToList();
    }

    [Fact]
    public void EveryMuseumProfile_HasARowWithEveryFactAndItsSource()
    {
        var rows = Rows();
        foreach (var profile in SourceProfiles.All.Where(p => p.Name != "Generic"))
        {
            var row = rows.SingleOrDefault(r => r[0].Contains($"`{profile.Name}`", StringComparison.Ordinal));
            Assert.True(row is not null, $"README.md's profile table has no row for `{profile.Name}`.");
            Assert.True(row.Length == 6, $"The row of {profile.Name} has {row.Length} cells, not 6.");
            Assert.All(row, cell => Assert.False(string.IsNullOrWhiteSpace(cell), $"The row of {profile.Name} has an empty cell."));
            Assert.Matches(@"\]\(https?://", row[5]);
        }
    }

    [Fact]
    public void MetRow_SaysBothEndsOfTheDateRange()
    {
        var met = Rows().Single(r => r[0] == "`Met`");
        Assert.Contains("`objectBeginDate` → `CreationDate`", met[4], StringComparison.Ordinal);
        Assert.Contains("`objectEndDate` → `CreationEndDate`", met[4], StringComparison.Ordinal);
    }
}
