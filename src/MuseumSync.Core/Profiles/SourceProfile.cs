using MuseumSync.Auth;
using MuseumSync.Mapping;
using MuseumSync.Paging;

namespace MuseumSync.Profiles;

/// <summary>
/// A preset for one museum API: its endpoint, how it pages, the limits it publishes and the throttling it really does,
/// how its API key travels, how it filters by modification date, and how its fields map onto <see cref="MuseumRecord"/>.
/// Every value is data: <c>Invoke-MuseumPoll</c> parameters override any of them (<c>-FieldMap</c> field by field).
/// </summary>
internal sealed class SourceProfile
{
    /// <summary>The name <c>-Profile</c> takes.</summary>
    public required string Name { get; init; }

    /// <summary>What the profile is for, with the API's documentation address.</summary>
    public required string Description { get; init; }

    /// <summary>The endpoint polled when no <c>-Uri</c> is given; null when the profile has none (generic, OAI-PMH).</summary>
    public Uri? Uri { get; init; }

    /// <summary>ID fan-out: the URL of one record with <c>{id}</c>; null when the endpoint lists records.</summary>
    public string? ItemUri { get; init; }

    /// <summary>How the API pages.</summary>
    public PagingStyle Paging { get; init; } = PagingStyle.Auto;

    /// <summary>The body format.</summary>
    public RecordFormat Format { get; init; } = RecordFormat.Auto;

    /// <summary>Records per page (or ids per checkpointed chunk).</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>The largest page size the API serves; a larger <c>-PageSize</c> is lowered to it.</summary>
    public int? MaxPageSize { get; init; }

    /// <summary>The page-size query parameter; empty when the API takes none.</summary>
    public string LimitParameter { get; init; } = "limit";

    /// <summary>The page-number query parameter.</summary>
    public string PageParameter { get; init; } = "page";

    /// <summary>The offset query parameter.</summary>
    public string OffsetParameter { get; init; } = "offset";

    /// <summary>The JSON path of the records (or ids).</summary>
    public string? ItemsPath { get; init; }

    /// <summary>The JSON path of the next cursor or URL.</summary>
    public string? NextPath { get; init; }

    /// <summary>The JSON path of the record total.</summary>
    public string? TotalPath { get; init; }

    /// <summary>The JSON path of the page total.</summary>
    public string? TotalPagesPath { get; init; }

    /// <summary>Requests per second the API allows (its published limit); null when it publishes none per second.</summary>
    public double? RequestsPerSecond { get; init; }

    /// <summary>Requests per <see cref="RequestWindow"/> the API allows (hourly or daily quotas); null for none.</summary>
    public int? RequestLimit { get; init; }

    /// <summary>The window of <see cref="RequestLimit"/>.</summary>
    public TimeSpan RequestWindow { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Requests per UTC day the API allows (<see cref="Resilience.RateLimitOptions.DailyRequestBudget"/>); null for none.</summary>
    public long? DailyRequestBudget { get; init; }

    /// <summary>The window the server's quota rolls over when its headers name no reset (<see cref="Resilience.RateLimitOptions.RollingWindow"/>); null when it resets or is unknown.</summary>
    public TimeSpan? RollingQuotaWindow { get; init; }

    /// <summary>The most results one query may reach (<see cref="Polling.PollRequest.ResultWindow"/>), as the API documents or answers it; null when it has no cap.</summary>
    public long? ResultWindow { get; init; }

    /// <summary>The query parameter of an id range's first id, to split a query past <see cref="ResultWindow"/>.</summary>
    public string? RangeFromParameter { get; init; }

    /// <summary>The query parameter of an id range's last id.</summary>
    public string? RangeToParameter { get; init; }

    /// <summary>An id above the API's largest, the end of the range that is split.</summary>
    public long? RangeEnd { get; init; }

    /// <summary>IIIF Change Discovery: the object types whose activities apply (<see cref="Polling.PollRequest.DiscoveryObjectTypes"/>); null for Manifests.</summary>
    public IReadOnlyList<string>? DiscoveryObjectTypes { get; init; }

    /// <summary>Requests in flight at once.</summary>
    public int ThrottleLimit { get; init; } = 8;

    /// <summary>The pause after a firewall throttle page.</summary>
    public TimeSpan ThrottleCooldown { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Where the API key goes, when the API wants one.</summary>
    public ApiKeyLocation ApiKeyLocation { get; init; } = ApiKeyLocation.Header;

    /// <summary>The API key's header or query parameter name; null when the API needs no key.</summary>
    public string? ApiKeyName { get; init; }

    /// <summary>The modification-date filter parameter; null when the API has none.</summary>
    public string? SinceParameter { get; init; }

    /// <summary>The modification-date upper-bound parameter; null when the API has none (no built-in REST profile's API has one).</summary>
    public string? UntilParameter { get; init; }

    /// <summary>How the since date is written.</summary>
    public string? SinceFormat { get; init; }

    /// <summary>The overlap of incremental runs.</summary>
    public TimeSpan Overlap { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The OAI-PMH metadataPrefix.</summary>
    public string? MetadataPrefix { get; init; }

    /// <summary>
    /// The rights statement the institution publishes for its whole collection (a URI), given to records that carry none
    /// of their own; null when it publishes none. <see cref="FieldMap"/> carries it (<see cref="FieldMap.CollectionRights"/>).
    /// </summary>
    public string? CollectionRights { get; init; }

    /// <summary>Where the institution publishes <see cref="CollectionRights"/> (the source of the fact).</summary>
    public Uri? CollectionRightsSource { get; init; }

    private readonly FieldMap _fieldMap = FieldMap.Generic;
    private FieldMap? _withRights;

    /// <summary>The field mapping, with <see cref="CollectionRights"/> as the rights of records that carry none.</summary>
    public FieldMap FieldMap
    {
        get => CollectionRights is null ? _fieldMap : _withRights ??= _fieldMap.WithCollectionRights(CollectionRights);
        init => _fieldMap = value;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Description}";
}
