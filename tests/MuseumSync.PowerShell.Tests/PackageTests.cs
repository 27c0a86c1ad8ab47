using System.Diagnostics;
using System.IO.Compression;
using System.Management.Automation;
using System.Reflection;
using System.Security.Cryptography;
using System.Xml.Linq;
using MuseumSync.Packaging;
using NuGet.Packaging;
using NuGet.Versioning;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// The module package (build.ps1 -Package, build/MuseumSync.Packaging): what Publish-PSResource would upload and
/// Install-PSResource unpack. The manifest is the single source of its metadata; the package carries exactly the
/// module folder; extracted, it imports and runs.
/// </summary>
public sealed class PackageTests
{
    private static readonly Lazy<PackedModule> Packed = new(() => ModulePackage.Create(TestPaths.ModuleDirectory, TestPaths.TempDirectory()));

    /// <summary>The laid-out manifest as PowerShell itself reads it (Test-ModuleManifest), independently of the packager.</summary>
    private static PSModuleInfo TestedManifest(out List<ErrorRecord> errors)
    {
        using var ps = PowerShellSession.Create(importModule: false);
        var result = ps.Invoke("Test-ModuleManifest -Path $args[0]", TestPaths.ModuleManifest);
        errors = ps.Errors;
        return Assert.IsType<PSModuleInfo>(Assert.Single(result).BaseObject);
    }

    [Fact]
    public void TestModuleManifest_BuiltModule_IsValidWithTheVersionTheAssembliesCarry()
    {
        var module = TestedManifest(out var errors);

        Assert.Empty(errors);
        Assert.Equal("MuseumSync", module.Name);
        // One source of the version: the psd1's ModuleVersion, which Directory.Build.props stamps into every assembly.
        var assemblyVersion = AssemblyName.GetAssemblyName(Path.Combine(TestPaths.ModuleDirectory, "MuseumSync.dll")).Version!;
        Assert.Equal(module.Version, new Version(assemblyVersion.Major, assemblyVersion.Minor, assemblyVersion.Build));
        Assert.Equal(new Uri("https://github.com/museumsync/MuseumSync"), module.ProjectUri);
        Assert.NotNull(module.LicenseUri);
        Assert.False(string.IsNullOrWhiteSpace(module.ReleaseNotes));
        Assert.StartsWith(module.Version.ToString(), module.ReleaseNotes, StringComparison.Ordinal); // the notes name the version they describe
        Assert.Contains("PSEdition_Core", module.Tags);
        Assert.Contains("Invoke-MuseumPoll", module.ExportedCmdlets.Keys);
        Assert.Contains("Invoke-MuseumSync", module.ExportedCmdlets.Keys);
    }

    [Fact]
    public void Manifest_ExportsExactlyTheCmdletsTheAssemblyDefines()
    {
        var manifest = TestedManifest(out _).ExportedCmdlets.Keys.ToHashSet(StringComparer.OrdinalIgnoreCase);
        using var ps = PowerShellSession.Create();
        var defined = ps.Invoke("(Get-Module MuseumSync).ExportedCmdlets.Keys").Select(o => (string)o.BaseObject).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var inAssembly = ps.Invoke("[MuseumSync.PowerShell.Commands.InvokeMuseumPollCommand].Assembly.GetExportedTypes() | Where-Object { $_.IsDefined([System.Management.Automation.CmdletAttribute], $false) } | ForEach-Object { $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]; \"$($a.VerbName)-$($a.NounName)\" }")
            .Select(o => (string)o.BaseObject).ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.NotEmpty(inAssembly);
        Assert.Equal(inAssembly.Order(), defined.Order()); // every cmdlet in the assembly is exported
        Assert.Equal(manifest.Order(), inAssembly.Order());
    }

    [Fact]
    public void Package_NuspecMatchesTheManifest()
    {
        var module = TestedManifest(out _);
        var packed = Packed.Value;

        Assert.Equal(Path.Combine(Path.GetDirectoryName(packed.PackagePath)!, $"MuseumSync.{NuGetVersion.Parse(module.Version.ToString()).ToNormalizedString()}.nupkg"), packed.PackagePath);
        using var zip = ZipFile.OpenRead(packed.PackagePath);
        var nuspecEntry = Assert.Single(zip.Entries, e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        Assert.Equal("MuseumSync.nuspec", nuspecEntry.FullName); // at the root, named after the module
        XDocument nuspec;
        using (var s = nuspecEntry.Open()) nuspec = XDocument.Load(s);
        string? Field(string name) => nuspec.Descendants().SingleOrDefault(e => e.Name.LocalName == name && e.Parent?.Name.LocalName == "metadata")?.Value;

        Assert.Equal("MuseumSync", Field("id"));
        Assert.Equal(NuGetVersion.Parse(module.Version.ToString()).ToNormalizedString(), Field("version"));
        Assert.Equal(module.Author, Field("authors"));
        Assert.Equal(module.CompanyName, Field("owners"));
        Assert.Equal(module.Description, Field("description"));
        Assert.Equal(module.Copyright, Field("copyright"));
        Assert.Equal(module.ProjectUri!.AbsoluteUri, Field("projectUrl"));
        Assert.Equal(module.LicenseUri!.AbsoluteUri, Field("licenseUrl"));
        Assert.Equal(module.ReleaseNotes!.Trim().ReplaceLineEndings("\n"), Field("releaseNotes")!.ReplaceLineEndings("\n"));
        Assert.Equal("false", Field("requireLicenseAcceptance"));

        var tags = Field("tags")!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("PSModule", tags[0]);
        Assert.Equal(tags.Length, tags.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        foreach (var tag in module.Tags) Assert.Contains(tag, tags);
        Assert.Contains("PSIncludes_Cmdlet", tags);
        foreach (var cmdlet in module.ExportedCmdlets.Keys)
        {
            Assert.Contains("PSCmdlet_" + cmdlet, tags);
            Assert.Contains("PSCommand_" + cmdlet, tags);
        }
        Assert.DoesNotContain(tags, t => t.StartsWith("PSFunction_", StringComparison.Ordinal)); // the module exports no functions

        // NuGet reads it as NuGet wrote it (what PSResourceGet does on install).
        using var reader = new PackageArchiveReader(packed.PackagePath);
        Assert.Equal("MuseumSync", reader.NuspecReader.GetId());
        Assert.Equal(NuGetVersion.Parse(module.Version.ToString()), reader.NuspecReader.GetVersion());
    }

    [Fact]
    public void Package_CarriesExactlyTheModuleFolder_AtTheRoot()
    {
        var packed = Packed.Value;
        var moduleFiles = Directory.EnumerateFiles(TestPaths.ModuleDirectory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(TestPaths.ModuleDirectory, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal).ToList();
        using var zip = ZipFile.OpenRead(packed.PackagePath);
        var entries = zip.Entries.Select(e => e.FullName).ToList();

        // What NuGet adds, and nothing else besides the module files.
        Assert.Contains("[Content_Types].xml", entries);
        Assert.Contains("_rels/.rels", entries);
        Assert.Single(entries, e => e.StartsWith("package/services/metadata/core-properties/", StringComparison.Ordinal) && e.EndsWith(".psmdcp", StringComparison.Ordinal));
        var payload = entries.Where(e => e != "MuseumSync.nuspec" && e != "[Content_Types].xml" && !e.StartsWith("_rels/", StringComparison.Ordinal) && !e.StartsWith("package/", StringComparison.Ordinal))
            .Select(Uri.UnescapeDataString).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(moduleFiles, payload);

        foreach (var root in new[] { "MuseumSync.psd1", "MuseumSync.dll", "MuseumSync.Format.ps1xml", "LICENSE" }) Assert.Contains(root, entries);
        Assert.Contains("dependencies/runtimes/linux-x64/native/libe_sqlite3.so", entries);
        Assert.Contains("dependencies/runtimes/win/lib/net8.0/Microsoft.Data.SqlClient.dll", entries);
        Assert.DoesNotContain(entries, e => e.Contains('\\', StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.Contains("/bin/", StringComparison.OrdinalIgnoreCase) || e.Contains("/obj/", StringComparison.OrdinalIgnoreCase)
            || e.Contains("xunit", StringComparison.OrdinalIgnoreCase) || e.Contains(".Tests.", StringComparison.OrdinalIgnoreCase)
            || e.Contains("testhost", StringComparison.OrdinalIgnoreCase) || e.EndsWith(".deps.json", StringComparison.OrdinalIgnoreCase)
            || e.EndsWith("System.Management.Automation.dll", StringComparison.OrdinalIgnoreCase) || e.Contains("Packaging", StringComparison.Ordinal));

        // The bytes are the module's bytes.
        foreach (var file in new[] { "MuseumSync.psd1", "MuseumSync.dll", "LICENSE", "dependencies/MuseumSync.Core.dll" })
        {
            using var s = zip.GetEntry(file)!.Open();
            Assert.Equal(SHA256.HashData(File.ReadAllBytes(Path.Combine(TestPaths.ModuleDirectory, file))), SHA256.HashData(s));
        }
        Assert.Equal(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "LICENSE")), File.ReadAllText(Path.Combine(TestPaths.ModuleDirectory, "LICENSE")));
    }

    [Fact]
    public void Package_IsDeterministic()
    {
        var again = ModulePackage.Create(TestPaths.ModuleDirectory, TestPaths.TempDirectory());
        Assert.Equal(SHA256.HashData(File.ReadAllBytes(Packed.Value.PackagePath)), SHA256.HashData(File.ReadAllBytes(again.PackagePath)));
    }

    [Fact]
    public void Package_ExtractedAsInstalled_ImportsAndRuns()
    {
        var packed = Packed.Value;
        var version = NuGetVersion.Parse(packed.Manifest.PackageVersion).ToNormalizedString();
        // Install-PSResource's layout: <modules>/MuseumSync/<version>/ with the package's files, without NuGet's own parts.
        var moduleBase = Path.Combine(TestPaths.TempDirectory(), "Modules", "MuseumSync");
        var versionDir = Path.Combine(moduleBase, version);
        using (var zip = ZipFile.OpenRead(packed.PackagePath))
        {
            foreach (var entry in zip.Entries)
            {
                var name = Uri.UnescapeDataString(entry.FullName);
                if (name is "[Content_Types].xml" or "MuseumSync.nuspec" || name.StartsWith("_rels/", StringComparison.Ordinal) || name.StartsWith("package/", StringComparison.Ordinal)) continue;
                var target = Path.GetFullPath(Path.Combine(versionDir, name));
                Assert.StartsWith(versionDir, target, StringComparison.Ordinal);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                entry.ExtractToFile(target);
            }
        }
        var db = Path.Combine(TestPaths.TempDirectory(), "installed.db");
        using var ps = PowerShellSession.Create(importModule: false);

        // By folder, as from a PSModulePath entry: PowerShell picks the version folder itself.
        var module = Assert.Single(ps.Invoke("Import-Module -Name $args[0] -PassThru -ErrorAction Stop", moduleBase));
        var info = Assert.IsType<PSModuleInfo>(module.BaseObject);
        Assert.Equal(versionDir, info.ModuleBase.TrimEnd(Path.DirectorySeparatorChar));
        Assert.Equal(version, NuGetVersion.Parse(info.Version.ToString()).ToNormalizedString());
        var status = Assert.Single(ps.Invoke("Initialize-SyncDatabase -Database $args[0]", db));
        Assert.Empty(ps.Errors);
        Assert.True(File.Exists(db));
        Assert.True(SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'museum_records'") == 1, $"no museum_records table; Initialize-SyncDatabase said {status}");
        var rules = ps.Invoke("Get-MuseumComplianceRule");
        Assert.NotEmpty(rules);

        // This test process may already hold MuseumSync.dll from out/MuseumSync (one identity loads once), so a fresh
        // process proves the extracted assemblies themselves load and run.
        var db2 = Path.Combine(TestPaths.TempDirectory(), "child.db");
        var (code, stdout, stderr) = PwshProcess.Run(PwshProcess.StartCommand(
            $"$null = Initialize-SyncDatabase -Database '{db2}'; 'dll=' + (Get-Command Sync-MuseumRecord).DLL; foreach ($c in [System.Runtime.Loader.AssemblyLoadContext]::All) {{ foreach ($a in $c.Assemblies) {{ if ($a.GetName().Name -eq 'MuseumSync.Core') {{ 'core=' + $a.Location }} }} }}",
            module: Path.Combine(versionDir, "MuseumSync.psd1")), TimeSpan.FromMinutes(2));
        Assert.True(code == 0, $"exit {code}: {stdout} {stderr}");
        Assert.Contains($"dll={Path.Combine(versionDir, "MuseumSync.dll")}", stdout, StringComparison.Ordinal);
        Assert.Contains($"core={TestPaths.ModuleAssembly(versionDir, "MuseumSync.Core")}", stdout, StringComparison.Ordinal);
        Assert.Equal(1, SqliteInspector.Scalar(db2, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'museum_records'"));
    }

    [Fact]
    public void PackagerCommandLine_WritesThePackage_AndFailsClearlyWithoutAModule()
    {
        var output = TestPaths.TempDirectory();
        var (code, stdout, stderr) = RunPackager("-Module", TestPaths.ModuleDirectory, "-Output", output);
        Assert.True(code == 0, $"exit {code}: {stdout} {stderr}");
        var nupkg = Assert.Single(Directory.GetFiles(output, "*.nupkg"));
        Assert.Contains($"Package: {nupkg}", stdout, StringComparison.Ordinal);
        Assert.Equal($"MuseumSync.{Packed.Value.Manifest.PackageVersion}.nupkg", Path.GetFileName(nupkg));
        Assert.Empty(Directory.GetFiles(output, "*.partial"));

        var missing = Path.Combine(TestPaths.TempDirectory(), "NoSuchModule");
        (code, _, stderr) = RunPackager("-Module", missing, "-Output", output);
        Assert.Equal(1, code);
        Assert.Contains(missing, stderr, StringComparison.Ordinal);

        (code, _, stderr) = RunPackager("-Nonsense");
        Assert.Equal(2, code);
        Assert.Contains("usage:", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CmdletsToExport = '*'", "wildcard")]
    [InlineData("ModuleVersion = (Get-Date).Year", "not data only")]
    [InlineData("Tags = @('two words')", "white space")]
    [InlineData("ProjectUri = 'not a uri'", "absolute http(s) URI")]
    [InlineData("Prerelease = 'beta-1'", "letters and digits")]
    public void Packager_RefusesABadManifest(string line, string expected)
    {
        var dir = Path.Combine(TestPaths.TempDirectory(), "Bad");
        Directory.CreateDirectory(dir);
        var psData = line.StartsWith("Tags", StringComparison.Ordinal) || line.StartsWith("ProjectUri", StringComparison.Ordinal) || line.StartsWith("Prerelease", StringComparison.Ordinal) ? line : "";
        var top = psData.Length == 0 ? line : "";
        var version = line.StartsWith("ModuleVersion", StringComparison.Ordinal) ? "" : "ModuleVersion = '1.2.3'";
        File.WriteAllText(Path.Combine(dir, "Bad.psd1"), $$"""
            @{
                {{version}}
                GUID = '6f1c3b0e-2a53-4b8e-9d44-3c1b2a0f9e11'
                Author = 'someone'
                Description = 'a module'
                {{top}}
                PrivateData = @{ PSData = @{ {{psData}} } }
            }
            """);

        var ex = Assert.Throws<ModuleManifestException>(() => ModulePackage.Create(dir, TestPaths.TempDirectory()));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Packager_PrereleaseManifest_GivesAPrereleasePackageVersion()
    {
        var dir = Path.Combine(TestPaths.TempDirectory(), "Pre");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "Pre.psd1"), """
            @{
                ModuleVersion = '2.0.0'
                GUID = '6f1c3b0e-2a53-4b8e-9d44-3c1b2a0f9e12'
                Author = 'someone'
                Description = 'a module'
                FunctionsToExport = @('Get-Thing')
                PrivateData = @{ PSData = @{ Prerelease = 'rc1'; ReleaseNotes = @('line one', 'line two') } }
            }
            """);
        File.WriteAllText(Path.Combine(dir, "Pre.psm1"), "function Get-Thing { 1 }");

        var packed = ModulePackage.Create(dir, TestPaths.TempDirectory());

        Assert.EndsWith("Pre.2.0.0-rc1.nupkg", packed.PackagePath, StringComparison.Ordinal);
        using var reader = new PackageArchiveReader(packed.PackagePath);
        Assert.Equal("2.0.0-rc1", reader.NuspecReader.GetVersion().ToNormalizedString());
        Assert.Equal("line one\nline two", reader.NuspecReader.GetReleaseNotes());
        Assert.Equal(["PSModule", "PSIncludes_Function", "PSFunction_Get-Thing", "PSCommand_Get-Thing"], reader.NuspecReader.GetTags().Split(' '));
        Assert.Equal(["Pre.psd1", "Pre.psm1"], packed.Files);
    }

    private static (int Code, string StdOut, string StdErr) RunPackager(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(PwshProcess.Metadata("MuseumSyncPackagerPath"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(120_000), "the packager did not finish within 2 minutes");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
