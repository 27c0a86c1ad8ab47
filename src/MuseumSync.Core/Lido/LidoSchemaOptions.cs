namespace MuseumSync.Lido;

/// <summary>
/// Where the LIDO XSD comes from: <see cref="SchemaPath"/> when set, else the per-user cache, else (once) the official
/// location, downloaded into the cache. Every default works offline once the cache is filled.
/// </summary>
internal sealed class LidoSchemaOptions
{
    /// <summary>The environment variable that moves the cache (for build agents that share one).</summary>
    public const string CacheEnvironmentVariable = "MUSEUMSYNC_SCHEMA_CACHE";

    /// <summary>The official schema location; <c>v1.1/lido-v1.1.xsd</c> and <c>v1.0/lido-v1.0.xsd</c> lie below it.</summary>
    public static readonly Uri OfficialBaseUri = new("http://www.lido-schema.org/schema/");

    /// <summary>
    /// A folder holding <c>lido-v1.1.xsd</c> (or <c>lido-v1.0.xsd</c>) and the files it imports (<c>xml.xsd</c>, <c>xlink.xsd</c>,
    /// <c>gml/</c>, <c>smil/</c>), or the path of the XSD itself. Nothing outside that folder is read. The default is null (use the cache).
    /// </summary>
    public string? SchemaPath { get; init; }

    /// <summary>
    /// The per-user cache. The default is <c>$MUSEUMSYNC_SCHEMA_CACHE</c> when set, else
    /// <c>&lt;LocalApplicationData&gt;/MuseumSync/schemas/lido</c> (<c>~/.local/share/…</c> on Linux, <c>%LOCALAPPDATA%\…</c> on Windows).
    /// A schema folder copied to <c>&lt;cache&gt;/v1.1/</c> (with <c>lido-v1.1.xsd</c> in it) is used as it is.
    /// </summary>
    public string CacheDirectory { get; init; } = DefaultCacheDirectory();

    /// <summary>Where to download from when the cache is empty. The default is <see cref="OfficialBaseUri"/>.</summary>
    public Uri DownloadBaseUri { get; init; } = OfficialBaseUri;

    /// <summary>Whether a missing schema may be downloaded. The default is true.</summary>
    public bool AllowDownload { get; init; } = true;

    /// <summary>How long the whole download (the XSD and every file it imports) may take. The default is 60 s.</summary>
    public TimeSpan DownloadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The most files one download may fetch (LIDO 1.1 with GML 3.1.1 is about 35). The default is 200.</summary>
    public int MaxDownloadFiles { get; init; } = 200;

    /// <summary>The most bytes one download may fetch. The default is 32 MB.</summary>
    public long MaxDownloadBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>The client to download with. The default (null) is the module's shared client.</summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>The default cache directory.</summary>
    public static string DefaultCacheDirectory()
    {
        var fromEnv = Environment.GetEnvironmentVariable(CacheEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv)) return Path.GetFullPath(fromEnv);
        var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(local)) local = Path.Combine(Path.GetTempPath(), Environment.UserName);
        return Path.Combine(local, "MuseumSync", "schemas", "lido");
    }
}
