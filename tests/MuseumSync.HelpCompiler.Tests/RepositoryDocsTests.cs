using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace MuseumSync.HelpCompiler.Tests;

/// <summary>
/// The repository's own docs/ compile, and every command in them is complete; the README and the guide pages under
/// docs/guide/ link only to what exists, and the README's two commands work from a fresh clone.
/// </summary>
public sealed partial class RepositoryDocsTests
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

    /// <summary>The README and every guide page: the user-facing markdown outside the compiled help.</summary>
    private static IEnumerable<string> UserDocs()
    {
        var root = RepoRoot();
        yield return Path.Combine(root, "README.md");
        foreach (var page in Directory.GetFiles(Path.Combine(root, "docs", "guide"), "*.md").Order(StringComparer.Ordinal)) yield return page;
    }

    [Fact]
    public void ReadmeAndGuide_EveryRelativeLink_ResolvesToAFileAndHeading()
    {
        var broken = new List<string>();
        var links = 0;
        foreach (var doc in UserDocs())
        {
            foreach (Match m in MarkdownLink().Matches(WithoutCodeBlocks(File.ReadAllText(doc))))
            {
                var target = m.Groups["target"].Value;
                if (target.StartsWith("http://", StringComparison.Ordinal) || target.StartsWith("https://", StringComparison.Ordinal)) continue;
                links++;
                var hash = target.IndexOf('#', StringComparison.Ordinal);
                var (file, anchor) = hash < 0 ? (target, null) : (target[..hash], target[(hash + 1)..]);
                var path = file.Length == 0 ? doc : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(doc)!, file));
                var where = $"{Path.GetRelativePath(RepoRoot(), doc)}: ({target})";
                if (!File.Exists(path) && !Directory.Exists(path)) broken.Add($"{where}: {path} does not exist");
                else if (anchor is not null && !Headings(path).Contains(anchor)) broken.Add($"{where}: {Path.GetFileName(path)} has no heading #{anchor}");
            }
        }
        Assert.True(broken.Count == 0, string.Join(Environment.NewLine, broken));
        Assert.True(links > 20, $"only {links} relative links found: is the link pattern still right?");
    }

    [Fact]
    public void Readme_LinksEveryGuidePage()
    {
        var readme = File.ReadAllText(Path.Combine(RepoRoot(), "README.md"));
        foreach (var page in UserDocs().Skip(1))
        {
            Assert.Contains($"](docs/guide/{Path.GetFileName(page)})", readme, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Readme_TwoCommands_RunFilesAndToolsThatExist()
    {
        var root = RepoRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var block = Regex.Match(readme, "## Two commands[^\n]*\n+```sh\n(?<body>.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, "the README has no '## Two commands' section with a ```sh block");
        var commands = block.Groups["body"].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0).ToList();
        Assert.Equal(2, commands.Count);
        Assert.Equal("dotnet tool restore && dotnet pwsh examples/quickstart.ps1", commands[0]);
        Assert.Equal("dotnet tool restore && dotnet pwsh ./build.ps1 -Test", commands[1]);

        // dotnet pwsh: the tool manifest at the root names the powershell tool with its pwsh command.
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, ".config", "dotnet-tools.json")));
        var tool = manifest.RootElement.GetProperty("tools").GetProperty("powershell");
        Assert.Contains("pwsh", tool.GetProperty("commands").EnumerateArray().Select(c => c.GetString()));
        Assert.Matches(@"^\d+\.\d+\.\d+$", tool.GetProperty("version").GetString()!);

        Assert.True(File.Exists(Path.Combine(root, "examples", "quickstart.ps1")));
        var build = File.ReadAllText(Path.Combine(root, "build.ps1"));
        Assert.Matches(@"\[switch\]\s*\$Test\b", build);
        // The closing line CI reads (.ci/run runs exactly this command).
        Assert.Contains("\"tests: $passed passed, $failed failed, $skipped skipped\"", build, StringComparison.Ordinal);
        Assert.Contains("dotnet tool restore", File.ReadAllText(Path.Combine(root, ".ci", "run")), StringComparison.Ordinal);
        Assert.Contains("dotnet pwsh ./build.ps1 -Test", File.ReadAllText(Path.Combine(root, ".ci", "run")), StringComparison.Ordinal);
    }

    [Fact]
    public void UserFacingDocs_NameNeitherTheSharedFolderNorTheRetiredHost()
    {
        var root = RepoRoot();
        var docs = Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Append(Path.Combine(root, "README.md"));
        foreach (var doc in docs)
        {
            var text = File.ReadAllText(doc);
            Assert.False(text.Contains("../shared", StringComparison.Ordinal), $"{doc} points at ../shared, which users do not have");
            Assert.False(text.Contains("MuseumSync.Host", StringComparison.Ordinal), $"{doc} names MuseumSync.Host, which is gone: MuseumSync runs in pwsh");
        }
    }

    /// <summary>The anchors GitHub gives the headings of a markdown file: lower case, punctuation dropped, spaces as hyphens.</summary>
    private static HashSet<string> Headings(string path) =>
        WithoutCodeBlocks(File.ReadAllText(path)).Split('\n')
            .Where(l => l.StartsWith('#'))
            .Select(l => Regex.Replace(l.TrimStart('#').Trim().ToLowerInvariant(), @"[^\p{L}\p{Nd}\s_-]", string.Empty).Replace(' ', '-'))
            .ToHashSet(StringComparer.Ordinal);

    private static string WithoutCodeBlocks(string markdown) => Regex.Replace(markdown, "```.*?```", string.Empty, RegexOptions.Singleline);

    [GeneratedRegex(@"\[[^\]]*\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();
}
