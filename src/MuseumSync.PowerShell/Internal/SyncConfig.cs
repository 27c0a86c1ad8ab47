using System.Collections;
using System.Management.Automation;
using System.Security;
using MuseumSync.Run;
using MuseumSync.Storage;

namespace MuseumSync.PowerShell.Internal;

/// <summary>A config file Invoke-MuseumSync cannot use; the message names the file, the key and the fix.</summary>
internal sealed class SyncConfigException : Exception
{
    public SyncConfigException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>One source of a sync config file: its name and the core settings its keys (and the file's Defaults) set.</summary>
internal sealed class SyncConfigSource
{
    public required string Name { get; init; }

    /// <summary>What to sync; keys not given stay null, so the profile's values and the declared defaults apply.</summary>
    public required SyncSettings Settings { get; init; }
}

/// <summary>
/// A sync config file (<c>sync.psd1</c>), read as data and checked key by key before anything runs:
/// <code>
/// @{
///     Store       = @{ Database = 'museum.db' }   # or ConnectionString, Provider, Schema, UserName, PasswordVariable
///     MetricsPath = 'museumsync.prom'            # optional
///     Defaults    = @{ PageSize = 1000; BatchSize = 5000 }
///     Sources     = @( @{ Name = 'aic'; Profile = 'ArtInstituteOfChicago' }, … )
/// }
/// </code>
/// Source keys are the parameters of Invoke-MuseumPoll and Sync-MuseumRecord (Name is -Source), with the same types,
/// limits and defaults (<see cref="SettingKeys"/>); secrets only by environment-variable name; relative paths are relative to the file.
/// </summary>
internal sealed class SyncConfig
{
    private static readonly string[] s_topKeys = ["Store", "Sources", "Defaults", "MetricsPath", "MetricsIntervalSec"];
    private static readonly string[] s_storeKeys = ["Database", "ConnectionString", "Provider", "Schema", "UserName", "PasswordVariable"];

    // Keys a source may not set, and why.
    private static readonly Dictionary<string, string> s_refused = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Source"] = "the source name is the Name key",
        ["Database"] = "the store is set once for the file, in Store",
        ["ConnectionString"] = "the store is set once for the file, in Store",
        ["Provider"] = "the store is set once for the file, in Store",
        ["Schema"] = "the store is set once for the file, in Store",
        ["StoreCredential"] = "the store is set once for the file, in Store (UserName and PasswordVariable)",
        ["Credential"] = "a config file holds no secrets: use ClientId with ClientSecretVariable (the name of an environment variable)",
        ["ApiKey"] = "a config file holds no secrets: use ApiKeyVariable (the name of an environment variable holding the key)",
        ["BearerToken"] = "a config file holds no secrets: use BearerTokenVariable (the name of an environment variable holding the token)",
        ["Cursor"] = "a scheduled sync resumes from its checkpoint; move it once with Set-SyncCheckpoint",
        ["SummaryVariable"] = "Invoke-MuseumSync writes a summary per source",
        ["InputObject"] = "records come from the source's poll",
        ["MetricsPath"] = "metrics are set once for the file (MetricsPath at the top, or -MetricsPath)",
        ["MetricsIntervalSec"] = "metrics are set once for the file (MetricsIntervalSec at the top, or -MetricsIntervalSec)",
    };

    public required string FilePath { get; init; }

    public required StoreOptions Store { get; init; }

    public required IReadOnlyList<SyncConfigSource> Sources { get; init; }

    public string? MetricsPath { get; init; }

    public int? MetricsIntervalSec { get; init; }

    /// <summary>Reads and checks <paramref name="path"/> (a full path).</summary>
    public static SyncConfig Load(string path)
    {
        var data = DataFile.Read(path, "The sync config file", "@{ Store = @{ … }; Sources = @( @{ Name = '…'; … } ) }", (m, e) => new SyncConfigException(m, e));
        var folder = Path.GetDirectoryName(path)!;
        var file = Path.GetFileName(path);
        CheckKeys(data, s_topKeys, $"{file}");
        if (Get(data, "Store") is not IDictionary store) throw new SyncConfigException($"{file}: Store is missing; add Store = @{{ Database = 'museum.db' }} (SQLite) or Store = @{{ ConnectionString = '…'; Provider = 'SqlServer' }}.");
        CheckKeys(store, s_storeKeys, $"{file}, Store");
        var sources = SourceEntries(data)
            ?? throw new SyncConfigException($"{file}: Sources is missing; add Sources = @( @{{ Name = 'aic'; Profile = 'ArtInstituteOfChicago' }} ).");
        var defaults = Get(data, "Defaults") as IDictionary;
        if (Get(data, "Defaults") is { } d && defaults is null) throw new SyncConfigException($"{file}: Defaults must be a hashtable, @{{ PageSize = 1000 }}.");

        var list = new List<SyncConfigSource>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sources.Length; i++)
        {
            if (sources[i] is not IDictionary entry) throw new SyncConfigException($"{file}: Sources[{i}] is not a hashtable; write @{{ Name = '…'; … }}.");
            var name = Get(entry, "Name") as string;
            if (string.IsNullOrWhiteSpace(name)) throw new SyncConfigException($"{file}: Sources[{i}] has no Name; every source needs one (it is the source name in the store).");
            if (!names.Add(name)) throw new SyncConfigException($"{file}: two sources are named '{name}'; names must be unique.");
            if (Get(entry, "Enabled") is { } enabled && !LanguagePrimitives.IsTrue(enabled)) continue;
            list.Add(ReadSource(name, folder, defaults, entry, $"{file}, source '{name}'"));
        }
        string? metrics = Get(data, "MetricsPath") is string m ? Path.GetFullPath(Path.Combine(folder, m)) : null;
        int? interval = Get(data, "MetricsIntervalSec") is { } n ? LanguagePrimitives.ConvertTo<int>(n) : null;
        return new SyncConfig { FilePath = path, Store = ReadStore(store, folder, file), Sources = list, MetricsPath = metrics, MetricsIntervalSec = interval };
    }

    private static SyncConfigSource ReadSource(string name, string folder, IDictionary? defaults, IDictionary entry, string where)
    {
        var settings = new SyncSettings { Source = name };
        var merged = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        if (defaults is not null)
        {
            foreach (DictionaryEntry e in defaults) merged[(string)e.Key] = e.Value;
        }
        foreach (DictionaryEntry e in entry) merged[(string)e.Key] = e.Value;
        foreach (var (key, raw) in merged)
        {
            if (key is "Name" or "Enabled") continue;
            if (s_refused.TryGetValue(key, out var why)) throw new SyncConfigException($"{where}: the key {key} cannot be used here: {why}.");
            var value = raw;
            if (key.Equals("Path", StringComparison.OrdinalIgnoreCase) || key.Equals("ComplianceRules", StringComparison.OrdinalIgnoreCase))
            {
                value = raw is string p ? Path.GetFullPath(Path.Combine(folder, p)) : raw;
            }
            var setting = SettingKeys.Find(key) ?? throw new SyncConfigException($"{where}: '{key}' is not a parameter of Invoke-MuseumPoll or Sync-MuseumRecord. The keys are their parameter names (Uri, Profile, PageSize, BatchSize, ApiKeyVariable, ComplianceRules, …; see Get-Help Invoke-MuseumSync).");
            try
            {
                SettingKeys.ApplyConfig(settings, setting, value, where);
            }
            catch (ArgumentException ex)
            {
                throw new SyncConfigException(ex.Message, ex);
            }
        }
        if (settings.Uri is null && settings.Path is null && settings.Profile is null)
        {
            throw new SyncConfigException($"{where}: say where the records come from: Uri = 'https://…', Path = 'dump.ndjson', or a Profile with a default endpoint.");
        }
        return new SyncConfigSource { Name = name, Settings = settings };
    }

    private static StoreOptions ReadStore(IDictionary store, string folder, string file)
    {
        var database = Get(store, "Database") as string;
        var connectionString = Get(store, "ConnectionString") as string;
        if ((database is null) == (connectionString is null))
        {
            throw new SyncConfigException($"{file}, Store: give either Database (a SQLite file) or ConnectionString (with Provider SqlServer or PostgreSql), not {(database is null ? "neither" : "both")}.");
        }
        var provider = StoreProvider.SqlServer;
        if (Get(store, "Provider") is string p && !Enum.TryParse(p, ignoreCase: true, out provider))
        {
            throw new SyncConfigException($"{file}, Store: Provider '{p}' is not a provider; use SqlServer, PostgreSql or Sqlite.");
        }
        StoreCredential? credential = null;
        if (Get(store, "UserName") is string user)
        {
            if (Get(store, "PasswordVariable") is not string variable)
            {
                throw new SyncConfigException($"{file}, Store: UserName needs PasswordVariable, the name of the environment variable that holds the password (a config file holds no secrets).");
            }
            var secret = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(secret))
            {
                throw new SyncConfigException($"{file}, Store: the environment variable {variable} (PasswordVariable) is not set; set it for the account that runs the sync.");
            }
            var password = new SecureString();
            foreach (var c in secret) password.AppendChar(c);
            password.MakeReadOnly();
            credential = new StoreCredential(user, password);
        }
        var options = new StoreOptions
        {
            Provider = database is not null ? StoreProvider.Sqlite : provider,
            Database = database is null ? null : Path.GetFullPath(Path.Combine(folder, database)),
            ConnectionString = connectionString,
            Credential = credential,
            Schema = Get(store, "Schema") as string is { Length: > 0 } schema ? schema : StoreOptions.DefaultSchema,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new SyncConfigException($"{file}, Store: {ex.Message}", ex);
        }
        return options;
    }

    /// <summary>The file's Sources entries (one hashtable, or an array of them); null when there are none. Shared with the -Source completer.</summary>
    internal static object[]? SourceEntries(IDictionary data) => Get(data, "Sources") switch
    {
        IDictionary one => [one],
        object[] many => many,
        _ => null,
    };

    /// <summary>A key's value, the key matched case-insensitively as PowerShell does.</summary>
    internal static object? Get(IDictionary d, string key)
    {
        foreach (DictionaryEntry e in d)
        {
            if (string.Equals(e.Key as string, key, StringComparison.OrdinalIgnoreCase)) return e.Value;
        }
        return null;
    }

    private static void CheckKeys(IDictionary d, string[] allowed, string where)
    {
        foreach (DictionaryEntry e in d)
        {
            if (e.Key is not string k || !allowed.Contains(k, StringComparer.OrdinalIgnoreCase))
            {
                throw new SyncConfigException($"{where}: unknown key '{e.Key}'; the keys are {string.Join(", ", allowed)}.");
            }
        }
    }
}
