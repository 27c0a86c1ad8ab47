using System.Globalization;
using System.Management.Automation;
using MuseumSync.Polling;
using MuseumSync.Sync;

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
        if (!Due) return;
        var seconds = Seconds;
        var received = writer.Received;
        Show($"Syncing '{writer.LastSource}'", string.Create(CultureInfo.InvariantCulture,
            $"{received:N0} records ({received / seconds:N0}/s), {writer.Batches:N0} batches committed ({writer.Inserted:N0} new, {writer.Updated:N0} updated, {writer.Unchanged:N0} unchanged), {writer.InvalidReceived:N0} dead letters"),
            writer.LastPosition is { } p ? "at " + p : null);
    }

    /// <summary>Reports a poll's counts when an update is due.</summary>
    public void Tick(PollStatistics poll, string? position)
    {
        if (!Due) return;
        var seconds = Seconds;
        Show($"Polling '{poll.Source}'", string.Create(CultureInfo.InvariantCulture,
            $"{poll.Records:N0} records ({poll.Records / seconds:N0}/s) in {poll.Pages:N0} pages, {poll.Invalid:N0} invalid; {poll.Requests:N0} requests, {poll.Retries:N0} retries, {poll.QuotaWaits + poll.BudgetWaits:N0} rate-limit waits"),
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
