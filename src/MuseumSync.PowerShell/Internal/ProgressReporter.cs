using System.Management.Automation;
using MuseumSync.Polling;
using MuseumSync.Sync;
using static MuseumSync.Metrics.CountText;

namespace MuseumSync.PowerShell.Internal;

/// <summary>
/// Write-Progress for long runs, throttled to four updates a second (a progress record per object would cost more
/// than the sync). Totals are unknown while a feed streams, so the bar shows running counts and rates instead of a
/// percentage. Called on the pipeline thread only.
/// </summary>
internal sealed class ProgressReporter
{
    private const long IntervalMs = 250;
    private readonly Cmdlet _cmdlet;
    private readonly int _activityId;
    private readonly string _activity;
    private readonly long _startedMs = Environment.TickCount64;
    private long _nextMs;
    private bool _shown;

    public ProgressReporter(Cmdlet cmdlet, int activityId, string activity)
    {
        _cmdlet = cmdlet;
        _activityId = activityId;
        _activity = activity;
        _nextMs = _startedMs + IntervalMs;
    }

    /// <summary>True when an update is due (cheap; call it per record).</summary>
    public bool Due => Environment.TickCount64 >= _nextMs;

    /// <summary>Reports the sync's counts when an update is due.</summary>
    public void Tick(SyncWriter writer)
    {
        // Called per record: the check stays small, and the status is built in a method of its own four times a second.
        if (Due) ShowSync(writer);
    }

    private void ShowSync(SyncWriter writer)
    {
        var seconds = Seconds;
        var received = writer.Received;
        Show($"Syncing '{writer.LastSource}'",
            $"{Count(received)} records ({Rate(received, seconds)}/s), {Count(writer.Batches)} batches committed ({Count(writer.Inserted)} new, {Count(writer.Updated)} updated, {Count(writer.Unchanged)} unchanged), {Count(writer.InvalidReceived)} dead letters",
            writer.LastPosition is { } p ? "at " + p : null);
    }

    /// <summary>Reports a poll's counts when an update is due.</summary>
    public void Tick(PollStatistics poll, string? position)
    {
        if (!Due) return;
        var seconds = Seconds;
        Show($"Polling '{poll.Source}'",
            $"{Count(poll.Records)} records ({Rate(poll.Records, seconds)}/s) in {Count(poll.Pages)} pages, {Count(poll.Invalid)} invalid; {Count(poll.Requests)} requests, {Count(poll.Retries)} retries, {Count(poll.QuotaWaits + poll.BudgetWaits)} rate-limit waits",
            position is null ? null : "at " + position);
    }

    private double Seconds => Math.Max(0.001, (Environment.TickCount64 - _startedMs) / 1000d);

    private void Show(string activity, string status, string? operation)
    {
        _nextMs = Environment.TickCount64 + IntervalMs;
        _shown = true;
        var record = new ProgressRecord(_activityId, _activity + ": " + activity, status) { PercentComplete = -1 };
        if (operation is not null) record.CurrentOperation = operation;
        _cmdlet.WriteProgress(record);
    }

    /// <summary>Removes the bar at the end of the run.</summary>
    public void Complete()
    {
        if (!_shown) return;
        _cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity, "Done") { RecordType = ProgressRecordType.Completed });
    }
}
