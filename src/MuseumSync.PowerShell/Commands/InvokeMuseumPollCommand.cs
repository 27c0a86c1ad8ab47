using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Security;
using MuseumSync.Auth;
using MuseumSync.Http;
using MuseumSync.Paging;
using MuseumSync.Polling;
using MuseumSync.PowerShell.Completion;
using MuseumSync.PowerShell.Internal;
using MuseumSync.Profiles;
using MuseumSync.Resilience;
using MuseumSync.Storage;

namespace MuseumSync.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Streams records from a museum collection API (or a local dump) to the pipeline.</para>
/// <para type="description">Pages through a museum API in any style (X-Next-Cursor, Link rel=next, a cursor or next URL in the body, page numbers, offsets, OAI-PMH resumptionToken) or fans out over an id list (-ItemUri), reading NDJSON, JSON arrays, JSON envelopes and OAI-PMH XML as they arrive. Retries 408/429/5xx and broken connections with backoff, honours Retry-After and rate-limit headers, cools down after firewall throttle pages, pauses a failing source (circuit breaker). Writes one MuseumSync.MuseumRecord per record; invalid records are marked invalid with their reasons. Given -Database, it resumes from the stored checkpoint (and, for incremental sources, from its watermark).</para>
/// </summary>
/// <example>
///   <code>Invoke-MuseumPoll -Uri http://127.0.0.1:5080/objects -Source demo -Database ./museum.db | Sync-MuseumRecord -Source demo -Database ./museum.db</code>
/// </example>
/// <example>
///   <code>Invoke-MuseumPoll -Uri "$base/ids" -ItemUri "$base/assets/{id}" -Source demo -Database ./museum.db | Sync-MuseumRecord -Source demo -Database ./museum.db</code>
/// </example>
/// <example>
///   <code>Invoke-MuseumPoll -Profile HarvardArtMuseums -ApiKeyVariable HARVARD_API_KEY -Source harvard -Database ./museum.db | Sync-MuseumRecord -Source harvard -Database ./museum.db</code>
/// </example>
[Cmdlet(VerbsLifecycle.Invoke, "MuseumPoll", DefaultParameterSetName = UriParameterSet)]
[OutputType(typeof(MuseumRecord))]
public sealed class InvokeMuseumPollCommand : PSCmdlet, IDisposable
{
    /// <summary>Polls a web API.</summary>
    public const string UriParameterSet = "Uri";

    /// <summary>Reads a local dump.</summary>
    public const string PathParameterSet = "Path";

    private readonly CancellationTokenSource _cts = new();
    // Live until the pipeline is over (Dispose), so the Sync-MuseumRecord it feeds finds it for its final metrics.
    private readonly List<IDisposable> _livePolls = new();

    /// <summary>The collection endpoint (for ID fan-out, the id-list endpoint). Optional with a -Profile that has one.</summary>
    [Parameter(Position = 0, ParameterSetName = UriParameterSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public Uri? Uri { get; set; }

    /// <summary>A local dump: an NDJSON, JSON array or LIDO/OAI-PMH XML file, or a directory of one-object JSON files.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathParameterSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>The source name the records are stored under.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SourceCompleter))]
    public string Source { get; set; } = null!;

    /// <summary>The SQLite database whose checkpoint (and watermark) to resume from.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Database { get; set; }

    /// <summary>Resume from the checkpoint in this SQL Server or PostgreSQL database instead (see -Provider).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? ConnectionString { get; set; }

    /// <summary>The provider of -ConnectionString: SqlServer (the default), PostgreSql or Sqlite.</summary>
    [Parameter]
    [ValidateSet("SqlServer", "PostgreSql", "Sqlite", IgnoreCase = true)]
    [ArgumentCompleter(typeof(ProviderCompleter))]
    public string? Provider { get; set; }

    /// <summary>A SQL login for -ConnectionString (the OAuth2 client credential is -Credential).</summary>
    [Parameter]
    [Credential]
    public PSCredential? StoreCredential { get; set; }

    /// <summary>The schema of the MuseumSync tables on SQL Server and PostgreSQL (default museumsync).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Schema { get; set; }

    /// <summary>A preset for a museum API: paging, limits, throttling, key placement and field mapping.</summary>
    [Parameter]
    [ValidateSet("Met", "ArtInstituteOfChicago", "HarvardArtMuseums", "SmithsonianOpenAccess", "CooperHewitt", "OaiPmhLido", "OaiPmhDublinCore", "Generic", IgnoreCase = true)]
    [ArgumentCompleter(typeof(ProfileCompleter))]
    public string? Profile { get; set; }

    /// <summary>How the source pages (Auto finds X-Next-Cursor, Link rel=next or a next cursor/URL in the body).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateSet("Auto", "HeaderCursor", "LinkHeader", "BodyCursor", "PageNumber", "Offset", "OaiPmh", IgnoreCase = true)]
    public string? Paging { get; set; }

    /// <summary>The body format (Auto decides from the Content-Type and the first byte).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateSet("Auto", "Ndjson", "Json", "Xml", IgnoreCase = true)]
    public string? Format { get; set; }

    /// <summary>Records per page (the limit query parameter); for ID fan-out, ids per checkpointed chunk.</summary>
    [Parameter]
    [ValidateRange(1, 100_000)]
    public int PageSize { get; set; } = 500;

    /// <summary>Start at this position (cursor, next-page URL, page number, offset, resumptionToken) instead of the checkpoint.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Cursor { get; set; }

    /// <summary>Ignore the stored checkpoint and watermark and start from the first page.</summary>
    [Parameter]
    public SwitchParameter NoResume { get; set; }

    /// <summary>Stop after this many pages.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxPages { get; set; }

    /// <summary>Stop with a MuseumPollNoProgress error after this many empty pages in a row that still name a next page (20).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(1, 1_000_000)]
    public int MaxEmptyPages { get; set; } = 20;

    /// <summary>Retries per request after the first attempt.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(0, 100)]
    public int MaxRetries { get; set; } = 6;

    /// <summary>Seconds one request may take to answer (and the longest silence inside a body).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(1, 86_400)]
    public int TimeoutSec { get; set; } = 100;

    /// <summary>Seconds the whole run may take; none by default.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(1, int.MaxValue)]
    public int RunTimeoutSec { get; set; }

    /// <summary>The most bytes one page body may hold once decompressed; a larger page fails the run (MuseumPollPageTooLarge). The default is 256 MiB.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(64L * 1024, long.MaxValue)]
    public long MaxPageBytes { get; set; } = PageLimitOptions.DefaultMaxPageBytes;

    /// <summary>The most bytes one record may hold; a larger one is dead-lettered with its first 64 KiB and its true size. The default is 16 MiB.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(1024, 1024 * 1024 * 1024)]
    public int MaxRecordBytes { get; set; } = PageLimitOptions.DefaultMaxRecordBytes;

    /// <summary>Seconds one page's body may take to arrive, summed over its reads; a slower page is read again, then fails the run (MuseumPollPageTimeout). The default is 600.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(1, 86_400)]
    public int PageTimeoutSec { get; set; } = 600;

    /// <summary>The JSON path of the next cursor or URL in the body (pagination.next_url, info.next, next_cursor, …).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateNotNullOrEmpty]
    public string? NextPath { get; set; }

    /// <summary>The JSON path of the records (or ids) array in an envelope (data, records, response.rows, objectIDs, …).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateNotNullOrEmpty]
    public string? ItemsPath { get; set; }

    /// <summary>The JSON path of the total record count (page-number and offset paging stop there).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateNotNullOrEmpty]
    public string? TotalPath { get; set; }

    /// <summary>The query parameter of the cursor (cursor).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateNotNullOrEmpty]
    public string? CursorParameter { get; set; }

    /// <summary>The query parameter of the page size (limit); an empty string sends none.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [AllowEmptyString]
    public string? LimitParameter { get; set; }

    /// <summary>The query parameter of the page number (page).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateNotNullOrEmpty]
    public string? PageParameter { get; set; }

    /// <summary>The query parameter of the offset (offset).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateNotNullOrEmpty]
    public string? OffsetParameter { get; set; }

    /// <summary>ID fan-out: the URL of one record with {id} where the id goes; -Uri then lists ids.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateNotNullOrEmpty]
    public string? ItemUri { get; set; }

    /// <summary>The JSON path of the record inside an item response (data for {"data":{…}}).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateNotNullOrEmpty]
    public string? ItemPath { get; set; }

    /// <summary>Requests in flight at once (ID fan-out), also the connections opened to the server.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = 8;

    /// <summary>A client-side pace for APIs that publish a limit but send no rate-limit headers.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(0.001, 100_000)]
    public double RequestsPerSecond { get; set; }

    /// <summary>At most this many requests per -RequestWindowSec (hourly or daily quotas).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(1, 10_000_000)]
    public int RequestLimit { get; set; }

    /// <summary>The window of -RequestLimit, in seconds (1).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(0.001, 31_622_400)]
    public double RequestWindowSec { get; set; } = 1;

    /// <summary>Seconds a failing source pauses once its circuit opens (60).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(1, 86_400)]
    public int CircuitBreakSec { get; set; } = 60;

    /// <summary>Seconds to cool down after a firewall/CDN throttle page (60; capped by the 60 s maximum delay).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(0, 3600)]
    public int ThrottleCooldownSec { get; set; } = 60;

    /// <summary>Field mapping overrides: @{ ObjectId = 'objectID'; Title = 'title | objectName'; MediaUrl = 'images[0].url' }.</summary>
    [Parameter]
    public Hashtable? FieldMap { get; set; }

    /// <summary>Only records modified since this time (UTC unless it says otherwise); default: the checkpoint's watermark.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    public DateTime Since { get; set; }

    /// <summary>The query parameter that filters by modification date (metadataDate for The Met).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateNotNullOrEmpty]
    public string? SinceParameter { get; set; }

    /// <summary>How far before this run's start the next run's watermark goes (1 hour; 1 day for day-granular APIs).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    public TimeSpan Overlap { get; set; }

    /// <summary>The OAI-PMH metadataPrefix (oai_dc, lido, …).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateNotNullOrEmpty]
    public string? MetadataPrefix { get; set; }

    /// <summary>The OAI-PMH set.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateNotNullOrEmpty]
    public string? OaiSet { get; set; }

    /// <summary>The API key (Read-Host -AsSecureString, or a secret store).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    public SecureString? ApiKey { get; set; }

    /// <summary>The name of the environment variable that holds the API key.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateNotNullOrEmpty]
    public string? ApiKeyVariable { get; set; }

    /// <summary>The header or query parameter that carries the API key (X-Api-Key; the profile's).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateNotNullOrEmpty]
    public string? ApiKeyName { get; set; }

    /// <summary>Where the API key goes: Header or Query.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateSet("Header", "Query", IgnoreCase = true)]
    public string? ApiKeyIn { get; set; }

    /// <summary>A bearer token.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    public SecureString? BearerToken { get; set; }

    /// <summary>The name of the environment variable that holds a bearer token.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateNotNullOrEmpty]
    public string? BearerTokenVariable { get; set; }

    /// <summary>OAuth2 client credentials: user name = client id, password = client secret (with -TokenUri).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>OAuth2 client id, with -ClientSecretVariable (instead of -Credential).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateNotNullOrEmpty]
    public string? ClientId { get; set; }

    /// <summary>The name of the environment variable that holds the OAuth2 client secret.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateNotNullOrEmpty]
    public string? ClientSecretVariable { get; set; }

    /// <summary>The OAuth2 token endpoint.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateNotNull]
    public Uri? TokenUri { get; set; }

    /// <summary>The OAuth2 scope to ask for.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateNotNullOrEmpty]
    public string? Scope { get; set; }

    /// <summary>Further origins (scheme, host, port) that next links, redirects and the checkpoint may point at; the credentials go there too.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateNotNullOrEmpty]
    public Uri[]? AllowedOrigin { get; set; }

    /// <summary>Sets a variable of this name (in the caller's scope) to the run's MuseumSync.Polling.PollStatistics: requests, retries, 429s, throttle pages, quota waits, circuit breaks.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SummaryVariable { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        SourceProfile profile;
        try
        {
            profile = Profile is null ? SourceProfiles.Generic : SourceProfiles.Get(Profile);
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "MuseumPollInvalidArgument", ErrorCategory.InvalidArgument, Profile));
            return;
        }
        var (start, watermark) = Cursor is not null ? (Cursor, null) : NoResume || (Database is null && ConnectionString is null) ? (null, null) : ReadCheckpoint();
        var verbose = Preferences.IsVerbose(this);
        // At most 4 chunks (about 1,000 records) wait for the pipeline thread: enough to keep it busy, few enough that
        // records do not pile up and outlive a garbage collection (a deeper queue was slower: docs/guide/performance.md).
        var pump = new AsyncPump(capacity: 4);
        Action<string>? log = verbose ? m => pump.Post(new VerboseMessage(m), _cts.Token) : null;
        Action<string> warnOrLog = m =>
        {
            if (m.StartsWith("circuit opened", StringComparison.Ordinal)) pump.Post(new WarningMessage(m), _cts.Token);
            else log?.Invoke(m);
        };
        var statistics = new PollStatistics();
        Func<CancellationToken, IAsyncEnumerable<MuseumRecord>> produce;
        object target = (object?)Uri ?? Path ?? Source;
        try
        {
            var map = FieldMapParameter.Apply(profile.FieldMap, FieldMap);
            if (ParameterSetName == PathParameterSet)
            {
                var dump = BuildDump(CmdletPaths.Resolve(this, Path!), map, start, Bound);
                produce = ct => DumpReader.ReadAsync(dump, TimeProvider.System, log, ct);
            }
            else
            {
                var request = BuildRequest(profile, map, start, watermark, warnOrLog, Bound, WriteVerbose);
                request.Validate();
                target = request.Uri;
                WriteVerbose(Describe(profile, request));
                var poller = new MuseumPoller(MuseumHttp.ForConcurrency(request.ThrottleLimit), TimeProvider.System, warnOrLog);
                statistics = poller.Statistics;
                _livePolls.Add(LivePolls.Register(LivePollScope.Current, Source, statistics));
                produce = ct => poller.PollAsync(request, ct);
            }
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "MuseumPollInvalidArgument", ErrorCategory.InvalidArgument, target));
            return;
        }

        var progress = new ProgressReporter(this, activityId: 1, "Invoke-MuseumPoll");
        var stats = statistics;
        var feed = new PollFeed();
        void Write(PipelineMessage message)
        {
            switch (message)
            {
                case RecordChunk chunk:
                    feed.Mark(chunk.Records[0]);
                    foreach (var record in chunk.Records) WriteObject(record);
                    if (progress.Due) progress.Tick(stats, chunk.Records[^1].Position);
                    break;
                case VerboseMessage v:
                    WriteVerbose(v.Text);
                    break;
                case WarningMessage w:
                    WriteWarning(w.Text);
                    break;
            }
        }

        try
        {
            pump.Run(
                async ct =>
                {
                    // Records cross to the pipeline thread in chunks (a page's end, 256 records or 50 ms, whichever comes
                    // first): one channel hand-off per chunk instead of per record, without holding a slow feed back.
                    var chunk = new List<MuseumRecord>(RecordChunk.MaxRecords);
                    var flushAt = Environment.TickCount64 + RecordChunk.MaxDelayMs;
                    await foreach (var record in produce(ct).ConfigureAwait(false))
                    {
                        chunk.Add(record);
                        if (chunk.Count >= RecordChunk.MaxRecords || record.EndOfPage || Environment.TickCount64 >= flushAt)
                        {
                            await pump.Writer.WriteAsync(new RecordChunk(chunk.ToArray()), ct).ConfigureAwait(false);
                            chunk.Clear();
                            flushAt = Environment.TickCount64 + RecordChunk.MaxDelayMs;
                        }
                    }
                    if (chunk.Count > 0) await pump.Writer.WriteAsync(new RecordChunk(chunk.ToArray()), ct).ConfigureAwait(false);
                },
                Write,
                _cts.Token);
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
            // Ctrl+C: PowerShell is stopping the pipeline.
        }
        catch (MuseumPollException ex)
        {
            Finish(statistics);
            // A Sync-MuseumRecord downstream commits the complete pages it received; the error says how far that got.
            var progressSoFar = feed.SourceFailed();
            ThrowTerminatingError(ErrorRecords.From(progressSoFar is null ? ex : Sync.RunProgress.WithProgress(ex, progressSoFar), target));
        }
        catch (MuseumSyncException ex)
        {
            Finish(statistics);
            ThrowTerminatingError(ErrorRecords.From(ex, target));
        }
        catch (ArgumentException ex)
        {
            Finish(statistics);
            ThrowTerminatingError(new ErrorRecord(ex, "MuseumPollInvalidArgument", ErrorCategory.InvalidArgument, target));
        }
        progress.Complete();
        Finish(statistics);
    }

    /// <summary>The dump read these parameters describe (shared with Invoke-MuseumSync, like <see cref="BuildRequest"/>).</summary>
    internal DumpRequest BuildDump(string fullPath, Mapping.FieldMap map, string? start, Func<string, bool> bound)
    {
        var dump = new DumpRequest
        {
            Path = fullPath,
            Source = Source,
            StartPosition = start,
            PageSize = bound(nameof(PageSize)) ? PageSize : 1000,
            MaxPages = MaxPages > 0 ? MaxPages : null,
            FieldMap = map,
        };
        dump.Validate();
        return dump;
    }

    /// <summary>
    /// The poll request these parameters describe. Shared with Invoke-MuseumSync, which fills an instance of this class
    /// from a config file's source entry: one place decides names, defaults and profile fallbacks for both paths.
    /// </summary>
    /// <param name="profile">The source profile (defaults for what is not bound).</param>
    /// <param name="map">The field map.</param>
    /// <param name="start">The position to start from (a checkpoint or -Cursor).</param>
    /// <param name="watermark">The checkpoint's watermark, for incremental sources.</param>
    /// <param name="log">Where the poller's retry and wait decisions go.</param>
    /// <param name="bound">True for a parameter the caller gave (the rest come from the profile).</param>
    /// <param name="verbose">Where the decisions made here are said.</param>
    internal PollRequest BuildRequest(SourceProfile profile, Mapping.FieldMap map, string? start, string? watermark, Action<string> log, Func<string, bool> bound, Action<string> verbose)
    {
        var uri = Uri ?? profile.Uri ?? throw new ArgumentException($"Give the endpoint with -Uri (the {profile.Name} profile has no default endpoint).");
        var paging = Paging is not null ? Enum.Parse<PagingStyle>(Paging, ignoreCase: true) : profile.Paging;
        var pageSize = bound(nameof(PageSize)) ? PageSize : profile.PageSize;
        if (profile.MaxPageSize is { } maxSize && pageSize > maxSize)
        {
            verbose($"{profile.Name} serves at most {maxSize} records per page; -PageSize {pageSize} is lowered to {maxSize}.");
            pageSize = maxSize;
        }
        var sinceParameter = SinceParameter ?? profile.SinceParameter;
        var incremental = sinceParameter is not null || paging == PagingStyle.OaiPmh;
        DateTimeOffset? since = null;
        if (bound(nameof(Since)))
        {
            since = Since.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(DateTime.SpecifyKind(Since, DateTimeKind.Utc)) : new DateTimeOffset(Since);
        }
        else if (incremental && watermark is not null && DateTimeOffset.TryParse(watermark, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var w))
        {
            since = w;
            verbose($"Incremental: only records modified since the checkpoint's watermark {watermark}.");
        }
        var apiKeyIn = ApiKeyIn is not null ? Enum.Parse<ApiKeyLocation>(ApiKeyIn, ignoreCase: true) : profile.ApiKeyLocation;
        var throttle = bound(nameof(ThrottleLimit)) ? ThrottleLimit : profile.ThrottleLimit;
        var auth = PollAuthentication.Create(ApiKey, ApiKeyVariable, ApiKeyName ?? profile.ApiKeyName, apiKeyIn, BearerToken, BearerTokenVariable,
            Credential, ClientId, ClientSecretVariable, TokenUri, Scope, MuseumHttp.ForConcurrency(throttle), log);
        return new PollRequest
        {
            Uri = uri,
            Source = Source,
            StartPosition = start,
            PageSize = pageSize,
            MaxPages = MaxPages > 0 ? MaxPages : null,
            MaxEmptyPages = MaxEmptyPages,
            Paging = paging,
            Format = Format is not null ? Enum.Parse<RecordFormat>(Format, ignoreCase: true) : profile.Format,
            CursorParameter = CursorParameter ?? "cursor",
            LimitParameter = LimitParameter ?? profile.LimitParameter,
            PageParameter = PageParameter ?? profile.PageParameter,
            OffsetParameter = OffsetParameter ?? profile.OffsetParameter,
            NextPath = NextPath ?? profile.NextPath,
            ItemsPath = ItemsPath ?? profile.ItemsPath,
            TotalPath = TotalPath ?? profile.TotalPath,
            TotalPagesPath = profile.TotalPagesPath,
            ItemUri = ItemUri ?? (Uri is null ? profile.ItemUri : null),
            ItemPath = ItemPath,
            ThrottleLimit = throttle,
            FieldMap = map,
            Since = since,
            SinceParameter = sinceParameter,
            SinceFormat = profile.SinceFormat,
            Overlap = bound(nameof(Overlap)) ? Overlap : profile.Overlap,
            MetadataPrefix = MetadataPrefix ?? profile.MetadataPrefix ?? "oai_dc",
            OaiSet = OaiSet,
            Authenticator = auth,
            AllowedOrigins = AllowedOrigin ?? [],
            Resilience = new HttpResilienceOptions
            {
                MaxRetryAttempts = MaxRetries,
                AttemptTimeout = TimeSpan.FromSeconds(TimeoutSec),
                RunTimeout = RunTimeoutSec > 0 ? TimeSpan.FromSeconds(RunTimeoutSec) : null,
                ThrottleCooldown = bound(nameof(ThrottleCooldownSec)) ? TimeSpan.FromSeconds(ThrottleCooldownSec) : profile.ThrottleCooldown,
                CircuitBreaker = new CircuitBreakerOptions { BreakDuration = TimeSpan.FromSeconds(CircuitBreakSec) },
            },
            Limits = new PageLimitOptions
            {
                MaxPageBytes = MaxPageBytes,
                MaxRecordBytes = MaxRecordBytes,
                PageTimeout = TimeSpan.FromSeconds(PageTimeoutSec),
            },
            RateLimit = new RateLimitOptions
            {
                RequestsPerSecond = bound(nameof(RequestsPerSecond)) ? RequestsPerSecond : bound(nameof(RequestLimit)) ? null : profile.RequestsPerSecond,
                RequestLimit = bound(nameof(RequestLimit)) ? RequestLimit : bound(nameof(RequestsPerSecond)) ? null : profile.RequestLimit,
                RequestWindow = bound(nameof(RequestLimit)) ? TimeSpan.FromSeconds(RequestWindowSec) : profile.RequestWindow,
            },
        };
    }

    private static string Describe(SourceProfile profile, PollRequest r)
    {
        var pace = r.RateLimit.RequestsPerSecond is { } rps ? $"{rps} requests/s" : r.RateLimit.RequestLimit is { } n ? $"{n} requests per {r.RateLimit.RequestWindow}" : "no client-side pace";
        return string.Create(CultureInfo.InvariantCulture,
            $"Profile {profile.Name}: paging {r.Paging}{(r.ItemUri is null ? string.Empty : " with ID fan-out")}, page size {r.PageSize}, {pace} (rate-limit headers honoured), throttle limit {r.ThrottleLimit}, {(r.Authenticator is null ? "no credentials" : "credentials: " + r.Authenticator.GetType().Name)}{(r.Since is { } s ? $", since {s:yyyy-MM-dd'T'HH:mm:ss'Z'}" : string.Empty)}; fields: {r.FieldMap}");
    }

    private void Finish(PollStatistics statistics)
    {
        if (statistics.Incomplete is { } incomplete) WriteWarning(incomplete);
        if (statistics.Requests > 0 || statistics.Records > 0) WriteVerbose("Poll summary: " + statistics);
        if (SummaryVariable is not null) SessionState.PSVariable.Set(SummaryVariable, statistics);
    }

    private bool Bound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

    private (string? Cursor, string? Watermark) ReadCheckpoint()
    {
        StoreOptions options;
        try
        {
            options = StoreSelection.Create(this, Database, ConnectionString, Provider, StoreCredential, Schema)!;
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "MuseumPollInvalidStore", ErrorCategory.InvalidArgument, Database ?? (object)"-ConnectionString"));
            return (null, null);
        }
        var where = options.Describe();
        if (options.Provider == StoreProvider.Sqlite && options.SqliteFile() is { } file && !File.Exists(file))
        {
            WriteVerbose($"No database at '{file}' yet; starting '{Source}' from the first page.");
            return (null, null);
        }
        try
        {
            var result = Task.Run(async () =>
            {
                var store = await SyncStoreFactory.OpenAsync(options, create: false, _cts.Token).ConfigureAwait(false);
                await using var storeScope = store.ConfigureAwait(false);
                var list = await store.GetCheckpointsAsync(Source, _cts.Token).ConfigureAwait(false);
                return list.Count > 0 ? list[0] : null;
            }).GetAwaiter().GetResult();
            WriteVerbose(result is null
                ? $"No checkpoint for '{Source}' in {where}; starting from the first page."
                : $"Resuming '{Source}' from checkpoint {(result.Cursor is null ? "(start)" : $"'{UrlMasker.MaskPosition(result.Cursor)}'")} of {result.LastSyncTime:u}{(result.Watermark is null ? string.Empty : $", watermark {result.Watermark}")}.");
            return (result?.Cursor, result?.Watermark);
        }
        catch (SyncStoreException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, where));
            return (null, null);
        }
    }

    /// <inheritdoc />
    protected override void StopProcessing() => _cts.Cancel();

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var poll in _livePolls) poll.Dispose();
        _livePolls.Clear();
        _cts.Dispose();
    }
}
