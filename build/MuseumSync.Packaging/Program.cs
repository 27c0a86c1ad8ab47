using MuseumSync.Packaging;

// MuseumSync.Packaging [-Module DIR] [-Output DIR]: packs a laid-out module folder into DIR/NAME.VERSION.nupkg.
string module = Path.Combine("out", "MuseumSync");
string output = Path.Combine("out", "package");
for (var i = 0; i < args.Length; i++)
{
    var option = args[i].TrimStart('-');
    if (i + 1 >= args.Length || !(option.Equals("Module", StringComparison.OrdinalIgnoreCase) || option.Equals("Output", StringComparison.OrdinalIgnoreCase)))
    {
        await Console.Error.WriteLineAsync("usage: MuseumSync.Packaging [-Module MODULE_FOLDER] [-Output PACKAGE_FOLDER]");
        return 2;
    }
    if (option.Equals("Module", StringComparison.OrdinalIgnoreCase)) module = args[++i];
    else output = args[++i];
}

try
{
    var packed = ModulePackage.Create(module, output);
    Console.WriteLine($"Module: {Path.GetFullPath(module)}");
    Console.WriteLine($"Package: {packed.PackagePath} ({packed.Manifest.Name} {packed.Manifest.PackageVersion}, {packed.Files.Count} files)");
    return 0;
}
catch (Exception ex) when (ex is ModuleManifestException or InvalidOperationException or IOException or UnauthorizedAccessException)
{
    await Console.Error.WriteLineAsync($"MuseumSync.Packaging: {ex.Message}");
    return 1;
}
