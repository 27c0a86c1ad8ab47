using System.Management.Automation;
using MuseumSync.Http;
using MuseumSync.Polling;
using MuseumSync.PowerShell.Internal;
using MuseumSync.Resilience;
using MuseumSync.Storage.Sqlite;

namespace MuseumSync.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Streams records from a museum collection API to the pipeline.</para>
/// <para type="description">Reads a cursor-paged NDJSON endpoint page by page over one pooled connection, parses each line as it arrives and writes one MuseumSync.MuseumRecord per line. Invalid lines become records marked invalid, with their reasons. Given -Database, it resumes from the stored checkpoint.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "MuseumPoll")]
[OutputType(typeof(MuseumRecord))]
public sealed class InvokeMuseumPollCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cts = new();

    /// <summary>The collection endpoint.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public Uri Uri { get; set; } = null!;

    /// <summary>The source name the records are stored under.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Source { get; set; } = null!;

    /// <summary>The SQLite database whose checkpoint to resume from.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Database { get; set; }

    /// <summary>Records per page (the limit query parameter).</summary>
    [Parameter]
    [ValidateRange(1, 100_000)]
    public int PageSize { get; set; } = 500;

    /// <summary>Start at this cursor (or next-page URL) instead of the checkpoint.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Cursor { get; set; }

    /// <summary>Ignore the stored checkpoint and start from the first page.</summary>
    [Parameter]
    public SwitchParameter NoResume { get; set; }

    /// <summary>Stop after this many pages.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxPages { get; set; }

    /// <summary>Retries per page after the first attempt.</summary>
    [Parameter]
    [ValidateRange(0, 100)]
    public int MaxRetries { get; set; } = 6;

    /// <summary>Seconds one request may take to answer.</summary>
    [Parameter]
    [ValidateRange(1, 86_400)]
    public int TimeoutSec { get; set; } = 100;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var start = Cursor ?? (NoResume || Database is null ? null : ReadCheckpoint());
        var verbose = IsVerbose();
        var pump = new AsyncPump(capacity: 4096);
        var request = new PollRequest
        {
            Uri = Uri,
            Source = Source,
            StartPosition = start,
            PageSize = PageSize,
            MaxPages = MaxPages > 0 ? MaxPages : null,
            Resilience = new HttpResilienceOptions { MaxRetryAttempts = MaxRetries, AttemptTimeout = TimeSpan.FromSeconds(TimeoutSec) },
        };
        try
        {
            request.Validate();
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "MuseumPollInvalidArgument", ErrorCategory.InvalidArgument, Uri));
        }
        var poller = new CursorPoller(MuseumHttp.Shared, TimeProvider.System, verbose ? m => pump.Post(new VerboseMessage(m), _cts.Token) : null);
        try
        {
            pump.Run(
                async ct =>
                {
                    await foreach (var record in poller.PollAsync(request, ct).ConfigureAwait(false))
                    {
                        await pump.Writer.WriteAsync(new OutputMessage(record), ct).ConfigureAwait(false);
                    }
                },
                Write,
                _cts.Token);
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
            // Ctrl+C: PowerShell is stopping the pipeline.
        }
        catch (MuseumSyncException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, Uri));
        }
    }

    private string? ReadCheckpoint()
    {
        var path = CmdletPaths.Resolve(this, Database!);
        if (!File.Exists(path))
        {
            WriteVerbose($"No database at '{path}' yet; starting '{Source}' from the first page.");
            return null;
        }
        try
        {
            return Run(async ct =>
            {
                await using var store = await SqliteSyncStore.OpenAsync(path, create: false, ct).ConfigureAwait(false);
                var checkpoint = await store.GetCheckpointsAsync(Source, ct).ConfigureAwait(false) is { Count: > 0 } list ? list[0] : null;
                WriteVerboseLater(checkpoint is null
                    ? $"No checkpoint for '{Source}' in '{path}'; starting from the first page."
                    : $"Resuming '{Source}' from checkpoint {(checkpoint.Cursor is null ? "(start)" : $"'{checkpoint.Cursor}'")} of {checkpoint.LastSyncTime:u}.");
                return checkpoint?.Cursor;
            });
        }
        catch (SyncStoreException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, Database));
            return null;
        }
    }

    private readonly List<string> _pendingVerbose = new();

    private void WriteVerboseLater(string text) => _pendingVerbose.Add(text);

    private T Run<T>(Func<CancellationToken, Task<T>> work)
    {
        var result = Task.Run(() => work(_cts.Token)).GetAwaiter().GetResult();
        foreach (var v in _pendingVerbose) WriteVerbose(v);
        _pendingVerbose.Clear();
        return result;
    }

    private void Write(PipelineMessage message)
    {
        switch (message)
        {
            case OutputMessage o:
                WriteObject(o.Value);
                break;
            case VerboseMessage v:
                WriteVerbose(v.Text);
                break;
            case WarningMessage w:
                WriteWarning(w.Text);
                break;
        }
    }

    private bool IsVerbose() =>
        MyInvocation.BoundParameters.TryGetValue("Verbose", out var v) ? v is SwitchParameter s ? s.IsPresent : v is true
        : GetVariableValue("VerbosePreference") is ActionPreference p && p != ActionPreference.SilentlyContinue;

    /// <inheritdoc />
    protected override void StopProcessing() => _cts.Cancel();

    /// <inheritdoc />
    public void Dispose() => _cts.Dispose();
}
