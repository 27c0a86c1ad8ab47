using System.Management.Automation.Language;

namespace MuseumSync.PowerShell.Tests;

/// <summary>Every .ps1/.psm1/.psd1 in the repository parses without errors.</summary>
public sealed class ScriptParseTests
{
    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var f in ScriptFiles()) data.Add(f);
        return data;
    }

    private static List<string> ScriptFiles()
    {
        var data = new List<string>();
        foreach (var file in Directory.EnumerateFiles(TestPaths.RepoRoot, "*.*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".ps1", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".psm1", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".psd1", StringComparison.OrdinalIgnoreCase))
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                              && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                              && !f.Contains($"{Path.DirectorySeparatorChar}out{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            data.Add(Path.GetRelativePath(TestPaths.RepoRoot, file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_Parses_WithoutErrors(string relativePath)
    {
        Parser.ParseFile(Path.Combine(TestPaths.RepoRoot, relativePath), out _, out var errors);
        Assert.True(errors.Length == 0, string.Join(Environment.NewLine, errors.Select(e => $"{relativePath}:{e.Extent.StartLineNumber}:{e.Extent.StartColumnNumber}: {e.Message}")));
    }

    [Fact]
    public void Repository_HasScriptsToParse()
    {
        var names = ScriptFiles();
        Assert.Contains(names, n => n.EndsWith("quickstart.ps1", StringComparison.Ordinal));
        Assert.Contains(names, n => n.EndsWith("build.ps1", StringComparison.Ordinal));
    }
}
