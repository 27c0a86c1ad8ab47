namespace MuseumSync.Core.Tests.Lido;

/// <summary>The shared LIDO and IIIF fixtures (&lt;repo root&gt;/../shared/fixtures), never copied into the repository.</summary>
internal static class StandardsFixtures
{
    public static string? Root => TestPaths.SharedDirectory is { } s && Directory.Exists(Path.Combine(s, "fixtures")) ? Path.Combine(s, "fixtures") : null;

    public static string LidoSchema => Path.Combine(Root!, "lido", "schema");

    public static string LidoValid => Path.Combine(Root!, "lido", "valid");

    public static string LidoInvalid => Path.Combine(Root!, "lido", "invalid");

    public static string IiifValid => Path.Combine(Root!, "iiif", "valid");

    public static string IiifInvalid => Path.Combine(Root!, "iiif", "invalid");

    public static string IiifSchema => Path.Combine(Root!, "iiif", "schema", "iiif_3_0.json");

    public static string AqindaInvalid(string name) => Path.Combine(LidoInvalid, "lido-examples", "AQinDa_manipulated_records", name);

    /// <summary>Every data file below a folder (README files excluded), sorted.</summary>
    public static string[] DataFiles(string folder) => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
        .Where(f => !Path.GetFileName(f).Equals("README.md", StringComparison.OrdinalIgnoreCase))
        .Order(StringComparer.Ordinal)
        .ToArray();

    public static string SkipReason(string what) =>
        $"The shared {what} fixtures were not found in <repo root>/../shared/fixtures (repo root: {TestPaths.RepoRoot ?? "MuseumSync.sln not found above " + AppContext.BaseDirectory}).";
}

/// <summary>A fact that skips, saying why, when the shared LIDO fixtures are absent.</summary>
public sealed class LidoFixtureFactAttribute : FactAttribute
{
    public LidoFixtureFactAttribute()
    {
        if (StandardsFixtures.Root is not { } root || !Directory.Exists(Path.Combine(root, "lido", "schema"))) Skip = StandardsFixtures.SkipReason("LIDO");
    }
}

/// <summary>A theory that skips, saying why, when the shared LIDO fixtures are absent.</summary>
public sealed class LidoFixtureTheoryAttribute : TheoryAttribute
{
    public LidoFixtureTheoryAttribute()
    {
        if (StandardsFixtures.Root is not { } root || !Directory.Exists(Path.Combine(root, "lido", "schema"))) Skip = StandardsFixtures.SkipReason("LIDO");
    }
}

/// <summary>A fact that skips, saying why, when the shared IIIF fixtures are absent.</summary>
public sealed class IiifFixtureFactAttribute : FactAttribute
{
    public IiifFixtureFactAttribute()
    {
        if (StandardsFixtures.Root is not { } root || !Directory.Exists(Path.Combine(root, "iiif", "valid"))) Skip = StandardsFixtures.SkipReason("IIIF");
    }
}
