using MuseumSync.Auth;
using MuseumSync.Paging;

namespace MuseumSync.Run;

/// <summary>
/// Everything one source's sync is told: where the records come from and how to poll them, and how to write them. One
/// type for the three ways a run is described (the <c>Invoke-MuseumPoll</c> and <c>Sync-MuseumRecord</c> parameters, a
/// source entry of <c>sync.psd1</c>, a background worker's job). A null value means "not given": the profile's value
/// applies, else the default declared once on the core option it ends up in (<see cref="Polling.PollRequest"/>,
/// <see cref="Resilience.HttpResilienceOptions"/>, <see cref="Polling.PageLimitOptions"/>, <see cref="Sync.SyncWriterOptions"/>).
/// <see cref="PollSettingsResolver"/> turns the poll half into a request; <see cref="SyncRun"/> runs the whole.
/// </summary>
internal sealed partial class SyncSettings
{
    /// <summary>The source name records are stored under.</summary>
    public required string Source { get; set; }

    // ---- where the records come from

    /// <summary>The collection endpoint (for ID fan-out: the id-list endpoint); null takes the profile's.</summary>
    public Uri? Uri { get; set; }

    /// <summary>A local dump (full path) to read instead of an endpoint.</summary>
    public string? Path { get; set; }

    /// <summary>The profile's name (<see cref="Profiles.SourceProfiles"/>); null for Generic.</summary>
    public string? Profile { get; set; }

    /// <summary>Start at this position instead of the checkpoint.</summary>
    public string? Cursor { get; set; }

    /// <summary>Ignore the stored checkpoint and watermark.</summary>
    public bool NoResume { get; set; }

    // ---- paging

    /// <summary>How the source pages; null: the profile's.</summary>
    public PagingStyle? Paging { get; set; }

    /// <summary>The body format; null: the profile's.</summary>
    public RecordFormat? Format { get; set; }

    /// <summary>Records per page (dumps: per checkpointed page); null: the profile's (dumps: <see cref="Polling.DumpRequest.PageSize"/>).</summary>
    public int? PageSize { get; set; }

    /// <summary>Stop after this many pages; null for no limit.</summary>
    public int? MaxPages { get; set; }

    /// <summary>Empty pages in a row that still name a next page before the run stops; null: <see cref="Polling.PollRequest.DefaultMaxEmptyPages"/>.</summary>
    public int? MaxEmptyPages { get; set; }

    /// <summary>The JSON path of the next cursor or URL; null: the profile's.</summary>
    public string? NextPath { get; set; }

    /// <summary>The JSON path of the records (or ids); null: the profile's.</summary>
    public string? ItemsPath { get; set; }

    /// <summary>The JSON path of the record total; null: the profile's.</summary>
    public string? TotalPath { get; set; }

    /// <summary>The cursor's query parameter; null: <see cref="Polling.PollRequest.CursorParameter"/>'s default.</summary>
    public string? CursorParameter { get; set; }

    /// <summary>The page size's query parameter (empty sends none); null: the profile's.</summary>
    public string? LimitParameter { get; set; }

    /// <summary>The page number's query parameter; null: the profile's.</summary>
    public string? PageParameter { get; set; }

    /// <summary>The offset's query parameter; null: the profile's.</summary>
    public string? OffsetParameter { get; set; }

    /// <summary>ID fan-out: the URL of one record with <c>{id}</c>; null: the profile's when <see cref="Uri"/> is not given.</summary>
    public string? ItemUri { get; set; }

    /// <summary>ID fan-out: fetch these ids only, without the id list (a scale-out chunk job); never a settings key.</summary>
    public IReadOnlyList<string>? FanOutIds { get; set; }

    /// <summary>A copy whose changes leave these settings as they are (a job narrows its copy to its ids).</summary>
    public SyncSettings Clone() => (SyncSettings)MemberwiseClone();

    /// <summary>The JSON path of the record inside an item response.</summary>
    public string? ItemPath { get; set; }

    /// <summary>Field mapping overrides over the profile's map (field name, expression).</summary>
    public IReadOnlyList<KeyValuePair<string, string?>>? FieldMap { get; set; }

    // ---- pace, retries, limits

    /// <summary>Requests in flight at once; null: the profile's.</summary>
    public int? ThrottleLimit { get; set; }

    /// <summary>A client-side pace; null: the profile's (unless <see cref="RequestLimit"/> is given).</summary>
    public double? RequestsPerSecond { get; set; }

    /// <summary>At most this many requests per <see cref="RequestWindow"/>; null: the profile's (unless <see cref="RequestsPerSecond"/> is given).</summary>
    public int? RequestLimit { get; set; }

    /// <summary>The window of <see cref="RequestLimit"/>; used with a given <see cref="RequestLimit"/>, else the profile's.</summary>
    public TimeSpan? RequestWindow { get; set; }

    /// <summary>Requests per UTC day, counted in the store across runs; null: the profile's (<see cref="Resilience.RateLimitOptions.DailyRequestBudget"/>).</summary>
    public long? DailyRequestBudget { get; set; }

    /// <summary>Retries per request; null: <see cref="Resilience.HttpResilienceOptions.MaxRetryAttempts"/>'s default.</summary>
    public int? MaxRetries { get; set; }

    /// <summary>The time one request may take to answer; null: <see cref="Resilience.HttpResilienceOptions.AttemptTimeout"/>'s default.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>The time the whole run may take; null for none.</summary>
    public TimeSpan? RunTimeout { get; set; }

    /// <summary>The most decompressed bytes of one page; null: <see cref="Polling.PageLimitOptions.DefaultMaxPageBytes"/>.</summary>
    public long? MaxPageBytes { get; set; }

    /// <summary>The most bytes of one record; null: <see cref="Polling.PageLimitOptions.DefaultMaxRecordBytes"/>.</summary>
    public int? MaxRecordBytes { get; set; }

    /// <summary>The time one page's body may take; null: <see cref="Polling.PageLimitOptions.DefaultPageTimeout"/>.</summary>
    public TimeSpan? PageTimeout { get; set; }

    /// <summary>The pause once a source's circuit opens; null: <see cref="Resilience.CircuitBreakerOptions.BreakDuration"/>'s default.</summary>
    public TimeSpan? CircuitBreak { get; set; }

    /// <summary>The cool-down after a firewall throttle page; null: the profile's.</summary>
    public TimeSpan? ThrottleCooldown { get; set; }

    /// <summary>Further origins next links, redirects and checkpoints may point at.</summary>
    public IReadOnlyList<Uri> AllowedOrigins { get; set; } = [];

    // ---- incremental and OAI-PMH

    /// <summary>Only records modified since then; null: the checkpoint's watermark for incremental sources.</summary>
    public DateTimeOffset? Since { get; set; }

    /// <summary>The modification-date query parameter; null: the profile's.</summary>
    public string? SinceParameter { get; set; }

    /// <summary>Only records modified before then (a scale-out date-window job's upper bound); null for none.</summary>
    public DateTimeOffset? Until { get; set; }

    /// <summary>The query parameter of the modification date's upper bound (REST APIs that have one); null: the profile's.</summary>
    public string? UntilParameter { get; set; }

    /// <summary>How far before this run's start the next watermark goes; null: the profile's.</summary>
    public TimeSpan? Overlap { get; set; }

    /// <summary>The OAI-PMH metadataPrefix; null: the profile's, else <see cref="Polling.PollRequest.MetadataPrefix"/>'s default.</summary>
    public string? MetadataPrefix { get; set; }

    /// <summary>The OAI-PMH set.</summary>
    public string? OaiSet { get; set; }

    // ---- credentials (secrets as Secret or by environment-variable name, never as plain text)

    /// <summary>The API key.</summary>
    public Secret? ApiKey { get; set; }

    /// <summary>The environment variable holding the API key.</summary>
    public string? ApiKeyVariable { get; set; }

    /// <summary>The API key's header or query parameter; null: the profile's.</summary>
    public string? ApiKeyName { get; set; }

    /// <summary>Where the API key goes; null: the profile's.</summary>
    public ApiKeyLocation? ApiKeyIn { get; set; }

    /// <summary>A bearer token.</summary>
    public Secret? BearerToken { get; set; }

    /// <summary>The environment variable holding a bearer token.</summary>
    public string? BearerTokenVariable { get; set; }

    /// <summary>OAuth2 client id.</summary>
    public string? ClientId { get; set; }

    /// <summary>OAuth2 client secret.</summary>
    public Secret? ClientSecret { get; set; }

    /// <summary>The environment variable holding the OAuth2 client secret.</summary>
    public string? ClientSecretVariable { get; set; }

    /// <summary>The OAuth2 token endpoint.</summary>
    public Uri? TokenUri { get; set; }

    /// <summary>The OAuth2 scope.</summary>
    public string? Scope { get; set; }

    // ---- the writing half

    /// <summary>Records per transaction; null: <see cref="Sync.SyncWriterOptions.BatchSize"/>'s default.</summary>
    public int? BatchSize { get; set; }

    /// <summary>Payload bytes per transaction; null: <see cref="Sync.SyncWriterOptions.DefaultMaxBatchBytes"/>.</summary>
    public long? MaxBatchBytes { get; set; }

    /// <summary>Scale-out: ids per chunk job of an ID fan-out (<c>Submit-MuseumSync -IdsPerJob</c>); null: <see cref="Jobs.JobOptions.DefaultIdsPerJob"/>.</summary>
    public int? IdsPerJob { get; set; }

    /// <summary>Scale-out: days per date-window job (<c>Submit-MuseumSync -WindowDays</c>); null: <see cref="Jobs.JobOptions.DefaultWindowDays"/>.</summary>
    public int? WindowDays { get; set; }

    /// <summary>How long a lease lasts without a renewal; null: <see cref="Sync.SyncWriterOptions.LeaseDuration"/>'s default.</summary>
    public TimeSpan? LeaseTimeout { get; set; }

    /// <summary>A compliance rule file (full path); null for the built-in rules.</summary>
    public string? ComplianceRules { get; set; }

    /// <summary>Store records without the compliance rules.</summary>
    public bool SkipCompliance { get; set; }

    /// <summary>Invalid records listed one by one; null: <see cref="Sync.SyncWriterOptions.MaxInvalidNotices"/>'s default.</summary>
    public int? MaxInvalidWarnings { get; set; }

    /// <summary>Report every dead-lettered record as an error instead of the listed warnings.</summary>
    public bool EnableException { get; set; }

    /// <summary>The share of the source's rows (percent) one run may delete; null: <see cref="Sync.SyncWriterOptions.MaxDeletePercent"/>'s default.</summary>
    public double? MaxDeletePercent { get; set; }

    /// <summary>Delete whatever share of the rows the source reports deleted (<see cref="MaxDeletePercent"/> does not apply).</summary>
    public bool ForceDeletes { get; set; }
}
