using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Security;
using MuseumSync.Auth;
using MuseumSync.Paging;
using MuseumSync.Profiles;
using MuseumSync.Run;

namespace MuseumSync.PowerShell.Internal;

/// <summary>
/// The one map from a parameter name of <c>Invoke-MuseumPoll</c> / <c>Sync-MuseumRecord</c> (a key of a <c>sync.psd1</c>
/// source) onto <see cref="SyncSettings"/>: its type, its limits, and which setting it fills. The cmdlets apply their
/// bound parameters through it (PowerShell has converted and checked them already); <see cref="SyncConfig"/> applies a
/// file's keys through it, converted with PowerShell's own conversions and checked against the same limits, so a key
/// means exactly what the parameter of the same name means. The limits are <see cref="SyncSettings"/>' range constants,
/// which the parameters' [ValidateRange] attributes read too; a test checks that every ranged key and its parameter agree.
/// </summary>
internal static class SettingKeys
{
    /// <summary>One parameter: its name, type and limits, and how it fills the settings.</summary>
    internal sealed record Key(string Name, Type Type, Action<SyncSettings, object> Apply)
    {
        public object? Min { get; init; }

        public object? Max { get; init; }

        public string[]? ValidValues { get; init; }

        public bool NotEmpty { get; init; }

        public bool NotNull { get; init; }
    }

    private static readonly Key[] s_keys =
    [
        Text("Path", (s, v) => s.Path = v),
        new("Uri", typeof(Uri), (s, v) => s.Uri = (Uri)v) { NotNull = true },
        new("Profile", typeof(string), (s, v) => s.Profile = (string)v) { ValidValues = SourceProfiles.All.Select(p => p.Name).ToArray() },
        new("Paging", typeof(string), (s, v) => s.Paging = Enum.Parse<PagingStyle>((string)v, ignoreCase: true)) { ValidValues = ["Auto", "HeaderCursor", "LinkHeader", "BodyCursor", "PageNumber", "Offset", "OaiPmh", "ChangeDiscovery"] },
        new("Format", typeof(string), (s, v) => s.Format = Enum.Parse<RecordFormat>((string)v, ignoreCase: true)) { ValidValues = ["Auto", "Ndjson", "Json", "Xml"] },
        Int("PageSize", SyncSettings.PageSizeMin, SyncSettings.PageSizeMax, (s, v) => s.PageSize = v),
        Text("Cursor", (s, v) => s.Cursor = v),
        Switch("NoResume", (s, v) => s.NoResume = v),
        Int("MaxPages", SyncSettings.MaxPagesMin, SyncSettings.MaxPagesMax, (s, v) => s.MaxPages = v),
        Int("MaxEmptyPages", SyncSettings.MaxEmptyPagesMin, SyncSettings.MaxEmptyPagesMax, (s, v) => s.MaxEmptyPages = v),
        Int("MaxRetries", SyncSettings.MaxRetriesMin, SyncSettings.MaxRetriesMax, (s, v) => s.MaxRetries = v),
        Int("TimeoutSec", SyncSettings.TimeoutSecMin, SyncSettings.TimeoutSecMax, (s, v) => s.Timeout = TimeSpan.FromSeconds(v)),
        Int("RunTimeoutSec", SyncSettings.RunTimeoutSecMin, SyncSettings.RunTimeoutSecMax, (s, v) => s.RunTimeout = TimeSpan.FromSeconds(v)),
        new("MaxPageBytes", typeof(long), (s, v) => s.MaxPageBytes = (long)v) { Min = SyncSettings.MaxPageBytesMin, Max = SyncSettings.MaxPageBytesMax },
        Int("MaxRecordBytes", SyncSettings.MaxRecordBytesMin, SyncSettings.MaxRecordBytesMax, (s, v) => s.MaxRecordBytes = v),
        Int("PageTimeoutSec", SyncSettings.PageTimeoutSecMin, SyncSettings.PageTimeoutSecMax, (s, v) => s.PageTimeout = TimeSpan.FromSeconds(v)),
        Text("NextPath", (s, v) => s.NextPath = v),
        Text("ItemsPath", (s, v) => s.ItemsPath = v),
        Text("TotalPath", (s, v) => s.TotalPath = v),
        Text("CursorParameter", (s, v) => s.CursorParameter = v),
        new("LimitParameter", typeof(string), (s, v) => s.LimitParameter = (string)v),
        Text("PageParameter", (s, v) => s.PageParameter = v),
        Text("OffsetParameter", (s, v) => s.OffsetParameter = v),
        Text("ItemUri", (s, v) => s.ItemUri = v),
        Text("ItemPath", (s, v) => s.ItemPath = v),
        Int("ThrottleLimit", SyncSettings.ThrottleLimitMin, SyncSettings.ThrottleLimitMax, (s, v) => s.ThrottleLimit = v),
        new("RequestsPerSecond", typeof(double), (s, v) => s.RequestsPerSecond = (double)v) { Min = SyncSettings.RequestsPerSecondMin, Max = SyncSettings.RequestsPerSecondMax },
        Int("RequestLimit", SyncSettings.RequestLimitMin, SyncSettings.RequestLimitMax, (s, v) => s.RequestLimit = v),
        new("RequestWindowSec", typeof(double), (s, v) => s.RequestWindow = TimeSpan.FromSeconds((double)v)) { Min = SyncSettings.RequestWindowSecMin, Max = SyncSettings.RequestWindowSecMax },
        new("DailyRequestBudget", typeof(long), (s, v) => s.DailyRequestBudget = (long)v) { Min = SyncSettings.DailyRequestBudgetMin, Max = SyncSettings.DailyRequestBudgetMax },
        Int("CircuitBreakSec", SyncSettings.CircuitBreakSecMin, SyncSettings.CircuitBreakSecMax, (s, v) => s.CircuitBreak = TimeSpan.FromSeconds(v)),
        Int("ThrottleCooldownSec", SyncSettings.ThrottleCooldownSecMin, SyncSettings.ThrottleCooldownSecMax, (s, v) => s.ThrottleCooldown = TimeSpan.FromSeconds(v)),
        new("FieldMap", typeof(Hashtable), (s, v) => s.FieldMap = FieldMapParameter.Pairs((Hashtable)v)),
        new("Since", typeof(DateTime), (s, v) => s.Since = Utc((DateTime)v)),
        Text("SinceParameter", (s, v) => s.SinceParameter = v),
        Text("UntilParameter", (s, v) => s.UntilParameter = v),
        new("Overlap", typeof(TimeSpan), (s, v) => s.Overlap = (TimeSpan)v),
        Text("MetadataPrefix", (s, v) => s.MetadataPrefix = v),
        Text("OaiSet", (s, v) => s.OaiSet = v),
        new("ApiKey", typeof(SecureString), (s, v) => s.ApiKey = Secret.FromSecureString((SecureString)v, "-ApiKey")),
        Text("ApiKeyVariable", (s, v) => s.ApiKeyVariable = v),
        Text("ApiKeyName", (s, v) => s.ApiKeyName = v),
        new("ApiKeyIn", typeof(string), (s, v) => s.ApiKeyIn = Enum.Parse<ApiKeyLocation>((string)v, ignoreCase: true)) { ValidValues = ["Header", "Query"] },
        new("BearerToken", typeof(SecureString), (s, v) => s.BearerToken = Secret.FromSecureString((SecureString)v, "-BearerToken")),
        Text("BearerTokenVariable", (s, v) => s.BearerTokenVariable = v),
        new("Credential", typeof(PSCredential), (s, v) => Credential(s, (PSCredential)v)),
        Text("ClientId", (s, v) => s.ClientId ??= v),
        Text("ClientSecretVariable", (s, v) => s.ClientSecretVariable = v),
        new("TokenUri", typeof(Uri), (s, v) => s.TokenUri = (Uri)v) { NotNull = true },
        Text("Scope", (s, v) => s.Scope = v),
        new("AllowedOrigin", typeof(Uri[]), (s, v) => s.AllowedOrigins = (Uri[])v) { NotEmpty = true },
        Int("BatchSize", SyncSettings.BatchSizeMin, SyncSettings.BatchSizeMax, (s, v) => s.BatchSize = v),
        new("MaxBatchBytes", typeof(long), (s, v) => s.MaxBatchBytes = (long)v) { Min = SyncSettings.MaxBatchBytesMin, Max = SyncSettings.MaxBatchBytesMax },
        Int("IdsPerJob", SyncSettings.IdsPerJobMin, SyncSettings.IdsPerJobMax, (s, v) => s.IdsPerJob = v),
        Int("WindowDays", SyncSettings.WindowDaysMin, SyncSettings.WindowDaysMax, (s, v) => s.WindowDays = v),
        Int("LeaseTimeoutSec", SyncSettings.LeaseTimeoutSecMin, SyncSettings.LeaseTimeoutSecMax, (s, v) => s.LeaseTimeout = TimeSpan.FromSeconds(v)),
        Text("ComplianceRules", (s, v) => s.ComplianceRules = v),
        Switch("SkipCompliance", (s, v) => s.SkipCompliance = v),
        Int("MaxInvalidWarnings", SyncSettings.MaxInvalidWarningsMin, SyncSettings.MaxInvalidWarningsMax, (s, v) => s.MaxInvalidWarnings = v),
        Switch("EnableException", (s, v) => s.EnableException = v),
        new("MaxDeletePercent", typeof(double), (s, v) => s.MaxDeletePercent = (double)v) { Min = SyncSettings.MaxDeletePercentMin, Max = SyncSettings.MaxDeletePercentMax },
        Switch("ForceDeletes", (s, v) => s.ForceDeletes = v),
    ];

    /// <summary>Every key.</summary>
    public static IReadOnlyList<Key> All => s_keys;

    /// <summary>The key called <paramref name="name"/> (any case), or null.</summary>
    public static Key? Find(string name) => s_keys.FirstOrDefault(k => k.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Applies a cmdlet's bound parameters (already converted and checked by PowerShell) that are settings.</summary>
    public static void ApplyBound(SyncSettings settings, Dictionary<string, object> bound)
    {
        foreach (var (name, value) in bound)
        {
            if (Find(name) is { } key && value is not null) key.Apply(settings, value is PSObject p ? p.BaseObject : value);
        }
    }

    /// <summary>
    /// Applies a config file's value: converted as PowerShell's binder would, checked against the key's limits; the
    /// message of the ArgumentException says where and how to fix it.
    /// </summary>
    public static void ApplyConfig(SyncSettings settings, Key key, object? value, string where)
    {
        object? converted;
        try
        {
            converted = key.Type == typeof(SwitchParameter)
                ? LanguagePrimitives.IsTrue(value)
                : LanguagePrimitives.ConvertTo(value, key.Type, CultureInfo.InvariantCulture);
        }
        catch (PSInvalidCastException ex)
        {
            throw new ArgumentException($"{where}: {key.Name} = '{value}' is not a {Describe(key.Type)} ({ex.Message}).", ex);
        }
        if (key.NotEmpty && (converted is null || converted is string { Length: 0 }))
        {
            throw new ArgumentException($"{where}: {key.Name} is empty; give it a value or leave the key out.");
        }
        if ((key.NotNull || key.NotEmpty) && converted is null) throw new ArgumentException($"{where}: {key.Name} is $null; give it a value or leave the key out.");
        if (key.Min is not null && key.Max is not null && converted is IComparable c && (c.CompareTo(key.Min) < 0 || c.CompareTo(key.Max) > 0))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{where}: {key.Name} = {converted} is out of range; use {key.Min} to {key.Max}."));
        }
        if (key.ValidValues is { } valid && converted is string text && !valid.Any(v => string.Equals(v, text, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"{where}: {key.Name} = '{text}' is not one of {string.Join(", ", valid)}.");
        }
        if (converted is not null) key.Apply(settings, converted);
    }

    private static Key Text(string name, Action<SyncSettings, string> apply) => new(name, typeof(string), (s, v) => apply(s, (string)v)) { NotEmpty = true };

    private static Key Int(string name, int min, int max, Action<SyncSettings, int> apply) => new(name, typeof(int), (s, v) => apply(s, (int)v)) { Min = min, Max = max };

    private static Key Switch(string name, Action<SyncSettings, bool> apply) => new(name, typeof(SwitchParameter), (s, v) => apply(s, v switch
    {
        SwitchParameter sw => sw.IsPresent,
        bool b => b,
        _ => LanguagePrimitives.IsTrue(v),
    }));

    private static void Credential(SyncSettings s, PSCredential credential)
    {
        s.ClientId = credential.UserName;
        s.ClientSecret = Secret.FromSecureString(credential.Password, "-Credential");
    }

    /// <summary>A -Since value: UTC unless it says otherwise.</summary>
    private static DateTimeOffset Utc(DateTime since) =>
        since.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(DateTime.SpecifyKind(since, DateTimeKind.Utc)) : new DateTimeOffset(since);

    private static string Describe(Type type) => type == typeof(int) || type == typeof(double) || type == typeof(long) ? "number"
        : type == typeof(TimeSpan) ? "time span (for example '00:10:00')"
        : type == typeof(DateTime) ? "date (ISO 8601, for example '2024-01-31T00:00:00Z')"
        : type == typeof(Hashtable) ? "hashtable"
        : type == typeof(Uri) ? "URI"
        : type.Name;
}
