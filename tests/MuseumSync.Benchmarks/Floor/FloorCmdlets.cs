using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Threading.Channels;

namespace MuseumSync.Benchmarks.Floor;

/// <summary>One record of the floor pipeline: its id, its mapped fields, its NDJSON line and the cursor of its page.</summary>
public sealed class FloorRecord
{
    internal FloorRecord(string objectId, string?[] values, byte[] line, string position)
    {
        ObjectId = objectId;
        Values = values;
        Line = line;
        Position = position;
    }

    /// <summary>The record's ObjectID.</summary>
    public string ObjectId { get; }

    /// <summary>The mapped fields, in <see cref="FloorParser.Fields"/> order.</summary>
    public IReadOnlyList<string?> Values { get; }

    /// <summary>The record's NDJSON line, as received.</summary>
    public byte[] Line { get; }

    /// <summary>The cursor of the page after the record's.</summary>
    public string Position { get; }
}

/// <summary>
/// Issue #18's floor as a pwsh pipeline, the first half: GETs the mock API's pages on a worker thread (the next page
/// requested while the current one is parsed, as Invoke-MuseumPoll does), parses each line there, and writes the
/// records to the pipeline on the pipeline thread: one by one, or with -Chunked a page as one object (as
/// Invoke-MuseumPoll hands chunks to Sync-MuseumRecord). bench/floor-pipeline.ps1 runs it.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "FloorPoll", DefaultParameterSetName = "Api")]
[OutputType(typeof(FloorRecord))]
public sealed class InvokeFloorPollCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>The mock API's base URL (run.sh's MS_BENCH_URL).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Api")]
    public string Uri { get; set; } = null!;

    /// <summary>
    /// Instead of the API, write this many copies of one record made on the worker thread, in pages of -PageSize: with
    /// Sync-FloorRecord -NoStore, what the PowerShell pipeline alone costs per record.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = "Synthetic")]
    [ValidateRange(1, 100_000_000)]
    public long Synthetic { get; set; }

    /// <summary>Records per page (MuseumSync's default).</summary>
    [Parameter]
    [ValidateRange(1, 100_000)]
    public int PageSize { get; set; } = 500;

    /// <summary>
    /// Write each page's records as one array (one pipeline object per page), as Invoke-MuseumPoll hands chunks to a
    /// Sync-MuseumRecord that reads its output directly; without it, one object per record.
    /// </summary>
    [Parameter]
    public SwitchParameter Chunked { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        var pages = Channel.CreateBounded<List<FloorRecord>>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var producer = Task.Run(() => ParameterSetName == "Synthetic" ? SyntheticAsync(pages.Writer, _stop.Token) : ProduceAsync(pages.Writer, _stop.Token));
        try
        {
            var reader = pages.Reader;
            while (reader.WaitToReadAsync(_stop.Token).AsTask().GetAwaiter().GetResult())
            {
                while (reader.TryRead(out var page))
                {
                    if (Chunked) WriteObject(page.ToArray(), enumerateCollection: false);
                    else foreach (var record in page) WriteObject(record);
                }
            }
            producer.GetAwaiter().GetResult(); // the producer's error, if it had one
        }
        finally
        {
            _stop.Cancel();
        }
    }

    private async Task ProduceAsync(ChannelWriter<List<FloorRecord>> writer, CancellationToken cancellationToken)
    {
        try
        {
            using var source = new FloorPages(Uri, PageSize);
            await foreach (var (body, cursor) in source.ReadAllAsync(sequential: false, cancellationToken).ConfigureAwait(false))
            {
                var position = cursor ?? string.Empty;
                var page = new List<FloorRecord>(PageSize);
                FloorPages.ForEachLine(body.Span, line =>
                {
                    var values = new string?[FloorParser.Fields.Length];
                    if (FloorParser.TryParse(line, values, out var objectId)) page.Add(new FloorRecord(objectId, values, line.ToArray(), position));
                });
                await writer.WriteAsync(page, cancellationToken).ConfigureAwait(false);
            }
            writer.TryComplete();
        }
        catch (Exception ex)
        {
            writer.TryComplete(ex);
            throw;
        }
    }

    private async Task SyntheticAsync(ChannelWriter<List<FloorRecord>> writer, CancellationToken cancellationToken)
    {
        var line = """{"ObjectID":"1","title":"A record","access_tier":"public"}"""u8.ToArray();
        var values = new string?[FloorParser.Fields.Length];
        values[1] = "A record";
        values[5] = "public";
        for (var written = 0L; written < Synthetic;)
        {
            var page = new List<FloorRecord>(PageSize);
            for (; page.Count < PageSize && written < Synthetic; written++) page.Add(new FloorRecord("1", values, line, "next"));
            await writer.WriteAsync(page, cancellationToken).ConfigureAwait(false);
        }
        writer.TryComplete();
    }

    /// <inheritdoc />
    protected override void StopProcessing() => _stop.Cancel();

    /// <inheritdoc />
    public void Dispose() => _stop.Dispose();
}

/// <summary>
/// Issue #18's floor as a pwsh pipeline, the second half: takes each record from the pipeline (one parameter bound per
/// object, as Sync-MuseumRecord's InputObject), hashes it and upserts it into the product's table, committing every
/// -BatchSize records, on the pipeline thread. Writes the number of rows upserted.
/// </summary>
[Cmdlet(VerbsData.Sync, "FloorRecord", DefaultParameterSetName = "Store")]
[OutputType(typeof(long))]
public sealed class SyncFloorRecordCommand : PSCmdlet, IDisposable
{
    private FloorSink? _sink;
    private long _taken;
    private readonly string?[] _values = new string?[FloorParser.Fields.Length];

    /// <summary>A <see cref="FloorRecord"/> from Invoke-FloorPoll, or a page of them (Invoke-FloorPoll -Chunked).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public object InputObject { get; set; } = null!;

    /// <summary>The SQLite database (run.sh's MS_BENCH_DB); made with MuseumSync's own schema.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Store")]
    public string Database { get; set; } = null!;

    /// <summary>Take each record from the pipeline and store nothing (with Invoke-FloorPoll -Synthetic: the pipeline's own cost).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "NoStore")]
    public SwitchParameter NoStore { get; set; }

    /// <summary>Records per transaction (MuseumSync's default).</summary>
    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int BatchSize { get; set; } = 1000;

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        if (!NoStore) _sink = FloorSink.OpenAsync(Database, BatchSize).GetAwaiter().GetResult();
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        switch (InputObject is PSObject wrapped ? wrapped.BaseObject : InputObject)
        {
            case FloorRecord[] chunk:
                foreach (var record in chunk) Add(record);
                break;
            case var one:
                Add((FloorRecord)one);
                break;
        }
    }

    private void Add(FloorRecord record)
    {
        _taken++;
        if (_sink is null) return;
        for (var f = 0; f < _values.Length; f++) _values[f] = record.Values[f];
        _sink.Add(record.ObjectId, _values, record.Line, record.Position);
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        _sink?.Complete();
        WriteObject(_sink?.Rows ?? _taken);
    }

    /// <inheritdoc />
    public void Dispose() => _sink?.Dispose();
}

/// <summary>
/// Lets pwsh load the floor cmdlets' dependencies from this assembly's folder: the managed ones (MuseumSync.Core,
/// Microsoft.Data.Sqlite, SQLitePCLRaw…) and SQLite's native library under runtimes/RID/native, which pwsh's own
/// dependency file does not list. Runs when Import-Module loads this assembly.
/// </summary>
public sealed class FloorModuleInitializer : IModuleAssemblyInitializer
{
    private static readonly string s_folder = Path.GetDirectoryName(typeof(FloorModuleInitializer).Assembly.Location)!;

    /// <inheritdoc />
    public void OnImport()
    {
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            var path = Path.Combine(s_folder, name.Name + ".dll");
            return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
        };
        ResolveSqlite();
    }

    // A method of its own: naming SQLitePCL's types makes the JIT load their assembly, which needs the resolver above.
    private static void ResolveSqlite() =>
        NativeLibrary.SetDllImportResolver(typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly, (name, assembly, searchPath) =>
        {
            if (name != "e_sqlite3") return IntPtr.Zero;
            var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
            var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
            var file = OperatingSystem.IsWindows() ? "e_sqlite3.dll" : OperatingSystem.IsMacOS() ? "libe_sqlite3.dylib" : "libe_sqlite3.so";
            return NativeLibrary.Load(Path.Combine(s_folder, "runtimes", $"{os}-{arch}", "native", file));
        });
}
