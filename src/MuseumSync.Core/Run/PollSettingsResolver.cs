using System.Globalization;
using MuseumSync.Auth;
using MuseumSync.Http;
using MuseumSync.Mapping;
using MuseumSync.Paging;
using MuseumSync.Polling;
using MuseumSync.Profiles;
using MuseumSync.Resilience;

namespace MuseumSync.Run;

/// <summary>
/// Turns the poll half of <see cref="SyncSettings"/> into a <see cref="PollRequest"/> or <see cref="DumpRequest"/>: the
/// one place that decides, for the cmdlets, the config file and background workers alike, which value wins (given,
/// else the profile's, else the option's declared default).
/// </summary>
internal static class PollSettingsResolver
{
    /// <summary>The settings' profile (Generic when none is named); an unknown name is an <see cref="ArgumentException"/>.</summary>
    public static SourceProfile Profile(SyncSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Profile is null ? SourceProfiles.Generic : SourceProfiles.Get(settings.Profile);
    }

    /// <summary>The profile's field map with the settings' overrides applied.</summary>
    public static FieldMap FieldMap(SyncSettings settings, SourceProfile profile)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(profile);
        if (settings.FieldMap is not { Count: > 0 } overrides) return profile.FieldMap;
        try
        {
            return profile.FieldMap.With(overrides);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"-FieldMap: {ex.Message}", ex);
        }
    }

    /// <summary>The dump read of <see cref="SyncSettings.Path"/>, starting at <paramref name="start"/>.</summary>
    public static DumpRequest Dump(SyncSettings settings, FieldMap map, string? start)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var path = settings.Path ?? throw new ArgumentException("The settings name no dump (Path).", nameof(settings));
        var dump = settings.PageSize is { } size
            ? new DumpRequest { Path = path, Source = settings.Source, StartPosition = start, PageSize = size, MaxPages = settings.MaxPages, FieldMap = map }
            : new DumpRequest { Path = path, Source = settings.Source, StartPosition = start, MaxPages = settings.MaxPages, FieldMap = map };
        dump.Validate();
        return dump;
    }

    /// <summary>The poll request the settings describe (not yet validated).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="profile">The settings' profile (<see cref="Profile"/>).</param>
    /// <param name="map">The field map (<see cref="FieldMap(SyncSettings, SourceProfile)"/>).</param>
    /// <param name="start">The position to start from (a checkpoint's or <see cref="SyncSettings.Cursor"/>).</param>
    /// <param name="watermark">The checkpoint's watermark, for incremental sources.</param>
    /// <param name="log">Where an OAuth2 authenticator's token decisions go.</param>
    /// <param name="verbose">Where the decisions made here are said.</param>
    public static PollRequest Request(SyncSettings settings, SourceProfile profile, FieldMap map, string? start, string? watermark, Action<string>? log, Action<string> verbose)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(verbose);
        var s = settings;
        var uri = s.Uri ?? profile.Uri ?? throw new ArgumentException($"Give the endpoint with -Uri (the {profile.Name} profile has no default endpoint).");
        var paging = s.Paging ?? profile.Paging;
        var pageSize = s.PageSize ?? profile.PageSize;
        if (profile.MaxPageSize is { } maxSize && pageSize > maxSize)
        {
            verbose($"{profile.Name} serves at most {maxSize} records per page; -PageSize {pageSize} is lowered to {maxSize}.");
            pageSize = maxSize;
        }
        var sinceParameter = s.SinceParameter ?? profile.SinceParameter;
        var incremental = sinceParameter is not null || paging is PagingStyle.OaiPmh or PagingStyle.ChangeDiscovery;
        var since = s.Since;
        if (since is null && incremental && watermark is not null && DateTimeOffset.TryParse(watermark, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var w))
        {
            since = w;
            verbose($"Incremental: only records modified since the checkpoint's watermark {watermark}.");
        }
        var throttle = s.ThrottleLimit ?? profile.ThrottleLimit;
        var auth = Authenticator(s, s.ApiKeyName ?? profile.ApiKeyName, s.ApiKeyIn ?? profile.ApiKeyLocation, MuseumHttp.ForConcurrency(throttle), log);
        var resilience = new HttpResilienceOptions
        {
            RunTimeout = s.RunTimeout,
            ThrottleCooldown = s.ThrottleCooldown ?? profile.ThrottleCooldown,
        };
        if (s.MaxRetries is { } retries) resilience.MaxRetryAttempts = retries;
        if (s.Timeout is { } timeout) resilience.AttemptTimeout = timeout;
        if (s.CircuitBreak is { } pause) resilience.CircuitBreaker.BreakDuration = pause;
        return new PollRequest
        {
            Uri = uri,
            Source = s.Source,
            StartPosition = start,
            PageSize = pageSize,
            MaxPages = s.MaxPages,
            MaxEmptyPages = s.MaxEmptyPages ?? PollRequest.DefaultMaxEmptyPages,
            Paging = paging,
            Format = s.Format ?? profile.Format,
            CursorParameter = s.CursorParameter ?? "cursor",
            LimitParameter = s.LimitParameter ?? profile.LimitParameter,
            PageParameter = s.PageParameter ?? profile.PageParameter,
            OffsetParameter = s.OffsetParameter ?? profile.OffsetParameter,
            NextPath = s.NextPath ?? profile.NextPath,
            ItemsPath = s.ItemsPath ?? profile.ItemsPath,
            TotalPath = s.TotalPath ?? profile.TotalPath,
            TotalPagesPath = profile.TotalPagesPath,
            ItemUri = s.ItemUri ?? (s.Uri is null ? profile.ItemUri : null),
            FanOutIds = s.FanOutIds,
            ItemPath = s.ItemPath,
            ThrottleLimit = throttle,
            FieldMap = map,
            Since = since,
            SinceParameter = sinceParameter,
            Until = s.Until,
            UntilParameter = s.UntilParameter ?? profile.UntilParameter,
            SinceFormat = profile.SinceFormat,
            Overlap = s.Overlap ?? profile.Overlap,
            ResultWindow = profile.ResultWindow,
            RangeFromParameter = profile.RangeFromParameter,
            RangeToParameter = profile.RangeToParameter,
            RangeEnd = profile.RangeEnd,
            DiscoveryObjectTypes = profile.DiscoveryObjectTypes ?? ["Manifest"],
            MetadataPrefix = s.MetadataPrefix ?? profile.MetadataPrefix ?? "oai_dc",
            OaiSet = s.OaiSet,
            Authenticator = auth,
            AllowedOrigins = s.AllowedOrigins,
            Resilience = resilience,
            Limits = new PageLimitOptions
            {
                MaxPageBytes = s.MaxPageBytes ?? PageLimitOptions.DefaultMaxPageBytes,
                MaxRecordBytes = s.MaxRecordBytes ?? PageLimitOptions.DefaultMaxRecordBytes,
                PageTimeout = s.PageTimeout ?? PageLimitOptions.DefaultPageTimeout,
            },
            RateLimit = new RateLimitOptions
            {
                RequestsPerSecond = s.RequestsPerSecond ?? (s.RequestLimit is not null ? null : profile.RequestsPerSecond),
                RequestLimit = s.RequestLimit ?? (s.RequestsPerSecond is not null ? null : profile.RequestLimit),
                RequestWindow = s.RequestLimit is not null ? s.RequestWindow ?? TimeSpan.FromSeconds(1) : profile.RequestWindow,
                RollingWindow = profile.RollingQuotaWindow,
                DailyRequestBudget = s.DailyRequestBudget ?? profile.DailyRequestBudget,
            },
        };
    }

    /// <summary>One line on what the profile and settings decided, for the verbose stream (credentials named by kind only).</summary>
    public static string Describe(SourceProfile profile, PollRequest request)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(request);
        var r = request;
        var pace = r.RateLimit.RequestsPerSecond is { } rps ? $"{rps} requests/s" : r.RateLimit.RequestLimit is { } n ? $"{n} requests per {r.RateLimit.RequestWindow}" : "no client-side pace";
        if (r.RateLimit.DailyRequestBudget is { } daily) pace += string.Create(CultureInfo.InvariantCulture, $", {daily} requests per UTC day");
        return string.Create(CultureInfo.InvariantCulture,
            $"Profile {profile.Name}: paging {r.Paging}{(r.ItemUri is null ? string.Empty : " with ID fan-out")}, page size {r.PageSize}, {pace} (rate-limit headers honoured), throttle limit {r.ThrottleLimit}, {(r.Authenticator is null ? "no credentials" : "credentials: " + r.Authenticator.GetType().Name)}{(r.Since is { } since ? $", since {since:yyyy-MM-dd'T'HH:mm:ss'Z'}" : string.Empty)}{(r.Until is { } until ? $", until {until:yyyy-MM-dd'T'HH:mm:ss'Z'}" : string.Empty)}; fields: {r.FieldMap}");
    }

    /// <summary>The authenticator the settings' credentials make (one kind at most); null when they name none.</summary>
    private static IRequestAuthenticator? Authenticator(SyncSettings s, string? apiKeyName, ApiKeyLocation apiKeyLocation, HttpClient http, Action<string>? log)
    {
        var oauth = s.ClientSecret is not null || s.ClientSecretVariable is not null;
        var chosen = new[] { s.ApiKey is not null || s.ApiKeyVariable is not null, s.BearerToken is not null || s.BearerTokenVariable is not null, oauth }.Count(b => b);
        if (chosen > 1)
        {
            throw new ArgumentException("Use one kind of credential: an API key (-ApiKey/-ApiKeyVariable), a bearer token (-BearerToken/-BearerTokenVariable) or OAuth2 client credentials (-Credential, or -ClientId with -ClientSecretVariable, and -TokenUri).");
        }
        if (s.ApiKey is not null || s.ApiKeyVariable is not null)
        {
            return new ApiKeyAuthenticator(s.ApiKey ?? Secret.FromEnvironment(s.ApiKeyVariable!), apiKeyName, apiKeyLocation);
        }
        if (s.BearerToken is not null || s.BearerTokenVariable is not null)
        {
            return new BearerTokenAuthenticator(s.BearerToken ?? Secret.FromEnvironment(s.BearerTokenVariable!));
        }
        if (!oauth) return null;
        if (s.TokenUri is null) throw new ArgumentException("OAuth2 client credentials need the token endpoint: add -TokenUri https://…/oauth/token.");
        if (string.IsNullOrWhiteSpace(s.ClientId)) throw new ArgumentException("OAuth2 client credentials need a client id: -Credential (user name = client id) or -ClientId.");
        var secret = s.ClientSecret ?? Secret.FromEnvironment(s.ClientSecretVariable!);
        return new OAuth2ClientCredentialsAuthenticator(new OAuth2ClientCredentialsOptions { TokenUri = s.TokenUri, ClientId = s.ClientId, ClientSecret = secret, Scope = s.Scope }, http, TimeProvider.System, log);
    }
}
