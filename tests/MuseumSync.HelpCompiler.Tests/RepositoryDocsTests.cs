using System.Xml.Linq;
using MuseumSync.HelpCompiler;

namespace MuseumSync.HelpCompiler.Tests;

/// <summary>The repository's own docs/ compile, and every command in them is complete.</summary>
public sealed class RepositoryDocsTests
{
    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MuseumSync.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("MuseumSync.sln not found.");
    }

    [Fact]
    public void Docs_Compile_WithoutErrors()
    {
        var output = Path.Combine(Path.GetTempPath(), "museumsync-helpcompiler-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var result = HelpCompilation.Compile(Path.Combine(RepoRoot(), "docs"), output, new HelpCompilerOptions());
            Assert.True(result.Errors.Count == 0, string.Join(Environment.NewLine, result.Errors.Select(e => e.Message)));
            Assert.True(File.Exists(Path.Combine(output, "about_MuseumSync.help.txt")));
            var maml = XDocument.Load(Path.Combine(output, "MuseumSync.dll-Help.xml"));
            XNamespace command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
            var names = maml.Root!.Elements(command + "command").Select(c => (string)c.Element(command + "details")!.Element(command + "name")!).ToList();
            Assert.Equal(result.Commands, names.Count);
            Assert.Contains("Invoke-MuseumPoll", names);
            Assert.Contains("Sync-MuseumRecord", names);
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }
}
