using NuGet.Packaging;
using NuGet.Versioning;

namespace MuseumSync.Packaging;

/// <summary>
/// Packs a module folder into the .nupkg that PowerShellGet/PSResourceGet publish and install: <c>NAME.nuspec</c>, the
/// module files at the package root (the manifest at the root), <c>[Content_Types].xml</c>, <c>_rels/.rels</c> and the
/// core properties, written by NuGet's own <see cref="PackageBuilder"/> (deterministic: the same folder gives the same bytes).
/// </summary>
public static class ModulePackage
{
    /// <summary>Names NuGet itself writes into a package; a module file with one of them would be shadowed.</summary>
    private static readonly string[] ReservedRootNames = ["[Content_Types].xml", "_rels", "package"];

    /// <summary>Packs <paramref name="moduleDirectory"/> (which holds <c>NAME.psd1</c>) into <paramref name="outputDirectory"/>.</summary>
    /// <returns>The package written: <c>outputDirectory/NAME.VERSION.nupkg</c>.</returns>
    /// <exception cref="ModuleManifestException">The manifest is missing, not data, or incomplete.</exception>
    /// <exception cref="InvalidOperationException">The folder holds a file a package cannot carry.</exception>
    public static PackedModule Create(string moduleDirectory, string outputDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(moduleDirectory);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        moduleDirectory = Path.GetFullPath(moduleDirectory);
        outputDirectory = Path.GetFullPath(outputDirectory);
        if (!Directory.Exists(moduleDirectory))
        {
            throw new DirectoryNotFoundException($"The module folder {moduleDirectory} does not exist; build it first (dotnet build -c Release).");
        }

        var manifests = Directory.GetFiles(moduleDirectory, "*.psd1", SearchOption.TopDirectoryOnly);
        var name = Path.GetFileName(moduleDirectory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        var manifestPath = manifests.FirstOrDefault(m => string.Equals(Path.GetFileNameWithoutExtension(m), name, StringComparison.OrdinalIgnoreCase))
            ?? (manifests.Length == 1 ? manifests[0] : throw new ModuleManifestException(
                $"{moduleDirectory} must hold exactly one module manifest, or one named after the folder ({name}.psd1); found {manifests.Length}."));
        var manifest = ModuleManifest.Read(manifestPath);

        var builder = new PackageBuilder(deterministic: true)
        {
            Id = manifest.Name,
            Version = NuGetVersion.Parse(manifest.PackageVersion),
            Description = manifest.Description,
            Copyright = manifest.Copyright,
            ReleaseNotes = manifest.ReleaseNotes,
            LicenseUrl = manifest.LicenseUri,
            ProjectUrl = manifest.ProjectUri,
            IconUrl = manifest.IconUri,
            RequireLicenseAcceptance = false,
            // Every entry gets the same time, so the same module folder gives the same bytes.
            DeterministicTimestamp = EntryTimestamp().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        builder.Authors.Add(manifest.Author);
        builder.Owners.Add(manifest.CompanyName ?? manifest.Author);
        foreach (var tag in Tags(manifest)) builder.Tags.Add(tag);

        var files = new List<string>();
        foreach (var file in Directory.EnumerateFiles(moduleDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(moduleDirectory, file);
            var top = relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)[0];
            if (ReservedRootNames.Contains(top, StringComparer.OrdinalIgnoreCase)
                || (top == relative && relative.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase))
                || relative.EndsWith(".nupkg", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"The module folder holds {relative}, which a module package cannot carry (NuGet writes that name itself).");
            }
            builder.Files.Add(new PhysicalPackageFile { SourcePath = file, TargetPath = relative });
            files.Add(relative.Replace(Path.DirectorySeparatorChar, '/'));
        }

        Directory.CreateDirectory(outputDirectory);
        var packagePath = Path.Combine(outputDirectory, $"{manifest.Name}.{builder.Version.ToNormalizedString()}.nupkg");
        var partial = packagePath + ".partial";
        try
        {
            using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                builder.Save(stream);
            }
            File.Move(partial, packagePath, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
        return new PackedModule(packagePath, manifest, files);
    }

    /// <summary>
    /// The time stamped on every zip entry: <c>SOURCE_DATE_EPOCH</c> (seconds, the reproducible-builds convention) when
    /// set, else 2000-01-01 UTC. File times in a package mean nothing: installing a module writes its files anew.
    /// </summary>
    private static DateTimeOffset EntryTimestamp()
    {
        var epoch = Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH");
        return long.TryParse(epoch, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(Math.Max(seconds, 315_532_800)) // a zip entry cannot be older than 1980
            : new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    }

    /// <summary>
    /// The package tags as PowerShellGet writes them: <c>PSModule</c>, the manifest's tags, <c>PSEdition_*</c> for each
    /// compatible edition, and <c>PSIncludes_Cmdlet</c>/<c>PSCmdlet_NAME</c>/<c>PSCommand_NAME</c> (likewise functions)
    /// so that a gallery can find the module by command name.
    /// </summary>
    public static IReadOnlyList<string> Tags(ModuleManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var tags = new List<string> { "PSModule" };
        tags.AddRange(manifest.Tags);
        tags.AddRange(manifest.CompatiblePSEditions.Select(e => "PSEdition_" + e));
        if (manifest.CmdletsToExport.Count > 0) tags.Add("PSIncludes_Cmdlet");
        foreach (var cmdlet in manifest.CmdletsToExport) tags.AddRange(["PSCmdlet_" + cmdlet, "PSCommand_" + cmdlet]);
        if (manifest.FunctionsToExport.Count > 0) tags.Add("PSIncludes_Function");
        foreach (var function in manifest.FunctionsToExport) tags.AddRange(["PSFunction_" + function, "PSCommand_" + function]);
        return tags.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }
}

/// <summary>A module package that was written.</summary>
/// <param name="PackagePath">The .nupkg.</param>
/// <param name="Manifest">The manifest its metadata came from.</param>
/// <param name="Files">The module files it carries, relative to the module folder, with '/'.</param>
public sealed record PackedModule(string PackagePath, ModuleManifest Manifest, IReadOnlyList<string> Files);
