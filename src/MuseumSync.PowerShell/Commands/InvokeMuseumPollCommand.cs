using System.Collections;
using System.Management.Automation;
using System.Security;
using MuseumSync.Polling;
using MuseumSync.PowerShell.Completion;
using MuseumSync.PowerShell.Internal;
using MuseumSync.Run;
using MuseumSync.Storage;

namespace MuseumSync.PowerShell.Commands;

/// <summary>Streams records from a museum collection API (or a local dump) to the pipeline (help: docs/Invoke-MuseumPoll.md).</summary>
[Cmdlet(VerbsLifecycle.Invoke, "MuseumPoll", DefaultParameterSetName = UriParameterSet)]
[OutputType(typeof(MuseumRecord))]
public sealed class InvokeMuseumPollCommand : AsyncCmdlet
{
    /// <summary>Polls a web API.</summary>
    public const string UriParameterSet = "Uri";

    /// <summary>Reads a local dump.</summary>
    public const string PathParameterSet = "Path";

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
    [ValidateSet("Met", "ArtInstituteOfChicago", "ArtInstituteOfChicagoSearch", "HarvardArtMuseums", "SmithsonianOpenAccess", "CooperHewitt", "OaiPmhLido", "OaiPmhDublinCore", "IiifChangeDiscovery", "Getty", "Generic", IgnoreCase = true)]
    [ArgumentCompleter(typeof(ProfileCompleter))]
    public string? Profile { get; set; }

    /// <summary>How the source pages (Auto finds X-Next-Cursor, Link rel=next or a next cursor/URL in the body).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateSet("Auto", "HeaderCursor", "LinkHeader", "BodyCursor", "PageNumber", "Offset", "OaiPmh", "ChangeDiscovery", IgnoreCase = true)]
    public string? Paging { get; set; }

    /// <summary>The body format (Auto decides from the Content-Type and the first byte).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateSet("Auto", "Ndjson", "Json", "Xml", IgnoreCase = true)]
    public string? Format { get; set; }

    /// <summary>Records per page (the limit query parameter); for ID fan-out, ids per checkpointed chunk.</summary>
    [Parameter]
    [ValidateRange(SyncSettings.PageSizeMin, SyncSettings.PageSizeMax)]
    public int PageSize { get; set; }

    /// <summary>Start at this position (cursor, next-page URL, page number, offset, resumptionToken) instead of the checkpoint.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Cursor { get; set; }

    /// <summary>Ignore the stored checkpoint and watermark and start from the first page.</summary>
    [Parameter]
    public SwitchParameter NoResume { get; set; }

    /// <summary>Stop after this many pages.</summary>
    [Parameter]
    [ValidateRange(SyncSettings.MaxPagesMin, SyncSettings.MaxPagesMax)]
    public int MaxPages { get; set; }

    /// <summary>Stop with a MuseumPollNoProgress error after this many empty pages in a row that still name a next page (20).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(SyncSettings.MaxEmptyPagesMin, SyncSettings.MaxEmptyPagesMax)]
    public int MaxEmptyPages { get; set; }

    /// <summary>Retries per request after the first attempt.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(SyncSettings.MaxRetriesMin, SyncSettings.MaxRetriesMax)]
    public int MaxRetries { get; set; }

    /// <summary>Seconds one request may take to answer (and the longest silence inside a body).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(SyncSettings.TimeoutSecMin, SyncSettings.TimeoutSecMax)]
    public int TimeoutSec { get; set; }

    /// <summary>Seconds the whole run may take; none by default.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(SyncSettings.RunTimeoutSecMin, SyncSettings.RunTimeoutSecMax)]
    public int RunTimeoutSec { get; set; }

    /// <summary>The most bytes one page body may hold once decompressed; a larger page fails the run (MuseumPollPageTooLarge). The default is 256 MiB.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(SyncSettings.MaxPageBytesMin, SyncSettings.MaxPageBytesMax)]
    public long MaxPageBytes { get; set; }

    /// <summary>The most bytes one record may hold; a larger one is dead-lettered with its first 64 KiB and its true size. The default is 16 MiB.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(SyncSettings.MaxRecordBytesMin, SyncSettings.MaxRecordBytesMax)]
    public int MaxRecordBytes { get; set; }

    /// <summary>Seconds one page's body may take to arrive, summed over its reads; a slower page is read again, then fails the run (MuseumPollPageTimeout). The default is 600.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(SyncSettings.PageTimeoutSecMin, SyncSettings.PageTimeoutSecMax)]
    public int PageTimeoutSec { get; set; }

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
    [ValidateRange(SyncSettings.ThrottleLimitMin, SyncSettings.ThrottleLimitMax)]
    public int ThrottleLimit { get; set; }

    /// <summary>A client-side pace for APIs that publish a limit but send no rate-limit headers.</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(SyncSettings.RequestsPerSecondMin, SyncSettings.RequestsPerSecondMax)]
    public double RequestsPerSecond { get; set; }

    /// <summary>At most this many requests per -RequestWindowSec (hourly or daily quotas).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(SyncSettings.RequestLimitMin, SyncSettings.RequestLimitMax)]
    public int RequestLimit { get; set; }

    /// <summary>The window of -RequestLimit, in seconds (1).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(SyncSettings.RequestWindowSecMin, SyncSettings.RequestWindowSecMax)]
    public double RequestWindowSec { get; set; }

    /// <summary>At most this many requests per UTC day, counted in -Database/-ConnectionString across runs and workers (HarvardArtMuseums: 2,500).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(SyncSettings.DailyRequestBudgetMin, SyncSettings.DailyRequestBudgetMax)]
    public long DailyRequestBudget { get; set; }

    /// <summary>Seconds a failing source pauses once its circuit opens (60).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(SyncSettings.CircuitBreakSecMin, SyncSettings.CircuitBreakSecMax)]
    public int CircuitBreakSec { get; set; }

    /// <summary>Seconds to cool down after a firewall/CDN throttle page (60; capped by the 60 s maximum delay).</summary>
    [Parameter(ParameterSetName = UriParameterSet)]
    [ValidateRange(SyncSettings.ThrottleCooldownSecMin, SyncSettings.ThrottleCooldownSecMax)]
    public int ThrottleCooldownSec { get; set; }

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

    /// <summary>The core settings these parameters describe: the one place they map (<see cref="SettingKeys"/>).</summary>
    private SyncSettings Settings()
    {
        var settings = new SyncSettings { Source = Source };
        SettingKeys.ApplyBound(settings, MyInvocation.BoundParameters);
        if (Path is not null && ParameterSetName == PathParameterSet) settings.Path = CmdletPaths.Resolve(this, Path);
        return settings;
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var settings = Settings();
        var pump = NewPump(capacity: 4);
        try
        {
            PollSettingsResolver.Profile(settings);
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "MuseumPollInvalidArgument", ErrorCategory.InvalidArgument, Profile));
            return;
        }
        var store = Database is null && ConnectionString is null ? null : StoreOptionsOrStop();
        var checkpoint = Cursor is not null || NoResume || store is null ? null : ReadCheckpoint(store, pump.Events);
        // With a database, the pace and the daily budget are kept in it, shared with every other run of the source there.
        var budgetStore = store is null ? null : OnStore(store, () => PollSource.OpenBudgetStoreAsync(store, settings, CancelToken));
        try
        {
            Poll(settings, pump, checkpoint, budgetStore);
        }
        finally
        {
            if (budgetStore is not null) AsyncPump.Run(async () =>
            {
                await budgetStore.DisposeAsync().ConfigureAwait(false);
                return true;
            });
        }
    }

    private void Poll(SyncSettings settings, AsyncPump pump, SyncCheckpoint? checkpoint, ISyncStore? budgetStore)
    {
        PollSource source;
        try
        {
            // At most 4 chunks (about 1,000 records) wait for the pipeline thread: enough to keep it busy, few enough that
            // records do not pile up and outlive a garbage collection (a deeper queue was slower: docs/guide/performance.md).
            source = PollSource.Create(settings, checkpoint, pump.Events, store: budgetStore);
        }
        catch (ArgumentException ex)
        {
            DrainEvents(pump.Events);
            ThrowTerminatingError(new ErrorRecord(ex, "MuseumPollInvalidArgument", ErrorCategory.InvalidArgument, (object?)settings.Uri ?? Path ?? Source));
            return;
        }
        DrainEvents(pump.Events);
        var target = source.Target;
        var statistics = source.Statistics ?? new PollStatistics();
        var progress = new ProgressReporter(this, activityId: 1, "Invoke-MuseumPoll");
        // The run handle the records carry to a Sync-MuseumRecord downstream: its metrics and its commit on failure.
        var feed = new PollFeed(source.Statistics);
        // A Sync-MuseumRecord reading this output directly takes each chunk as one pipeline object (DirectFeed).
        var direct = DirectFeed.Consumer(this) is not null;
        void Write(PipelineMessage message)
        {
            if (message is not RecordChunk chunk) return;
            if (direct)
            {
                WriteObject(new PolledRecords(chunk.Records, feed));
            }
            else
            {
                feed.Mark(chunk.Records[0]);
                foreach (var record in chunk.Records) WriteObject(record);
            }
            if (progress.Due) progress.Tick(statistics, chunk.Records[^1].Position);
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
                    await foreach (var record in source.ReadAsync(ct).ConfigureAwait(false))
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
                WriteEvent,
                CancelToken);
        }
        catch (OperationCanceledException) when (IsStopping)
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

    private void DrainEvents(QueuedEventSink events)
    {
        while (events.TryTake(out var e)) WriteEvent(e);
    }

    private void Finish(PollStatistics statistics)
    {
        if (statistics.Incomplete is { } incomplete) WriteWarning(incomplete);
        if (statistics.Requests > 0 || statistics.Records > 0) WriteVerbose("Poll summary: " + statistics);
        if (SummaryVariable is not null) SessionState.PSVariable.Set(SummaryVariable, statistics);
    }

    /// <summary>The store the parameters name; a terminating MuseumPollInvalidStore error when they do not name one.</summary>
    private StoreOptions StoreOptionsOrStop()
    {
        try
        {
            return StoreSelection.Create(this, Database, ConnectionString, Provider, StoreCredential, Schema)!;
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "MuseumPollInvalidStore", ErrorCategory.InvalidArgument, Database ?? (object)"-ConnectionString"));
            throw; // not reached: ThrowTerminatingError throws
        }
    }

    /// <summary>Runs <paramref name="work"/> on the store; a store error is a terminating error that names the store.</summary>
    private T OnStore<T>(StoreOptions options, Func<Task<T>> work)
    {
        try
        {
            return AsyncPump.Run(work);
        }
        catch (SyncStoreException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, options.Describe()));
            throw; // not reached: ThrowTerminatingError throws
        }
    }

    /// <summary>The stored checkpoint, read through the core (<see cref="PollSource.ReadCheckpointAsync(StoreOptions, string, ISyncEventSink, CancellationToken)"/>).</summary>
    private SyncCheckpoint? ReadCheckpoint(StoreOptions options, QueuedEventSink events)
    {
        try
        {
            return OnStore(options, () => PollSource.ReadCheckpointAsync(options, Source, events, CancelToken));
        }
        finally
        {
            DrainEvents(events);
        }
    }
}
