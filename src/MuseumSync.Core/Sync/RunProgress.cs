using System.Globalization;

namespace MuseumSync.Sync;

/// <summary>
/// How far a run got when its source failed: what the writer committed and where the checkpoint stands. A poll error
/// on page N leaves the complete pages before it committed (the writer is completed first), so a failure that always
/// comes at page N still moves the sync forward, and the error says how far.
/// </summary>
internal static class RunProgress
{
    /// <summary>One sentence on what <paramref name="writer"/> committed in this run and where the next run resumes.</summary>
    public static string Describe(SyncWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var records = writer.Inserted + writer.Updated + writer.Unchanged;
        if (writer.Batches == 0) return "Nothing was committed (no complete page came before the failure); the next run starts where this one did.";
        var committed = string.Create(CultureInfo.InvariantCulture,
            $"The run got this far: {records} records ({writer.Inserted} new, {writer.Updated} changed, {writer.Unchanged} unchanged) and {writer.DeadLettered} dead letters committed in {writer.Batches} batches");
        return writer.CheckpointMoved
            ? $"{committed}; the checkpoint is at '{writer.Checkpoint ?? "(start)"}', where the next run resumes."
            : $"{committed}; no page was complete, so the checkpoint did not move and the next run starts where this one did.";
    }

    /// <summary>The poll's error with <paramref name="progress"/> added to its message (same id, status, URL and correlation id).</summary>
    public static MuseumPollException WithProgress(MuseumPollException failure, string progress)
    {
        ArgumentNullException.ThrowIfNull(failure);
        Uri.TryCreate(failure.Url, UriKind.Absolute, out var url);
        return new MuseumPollException($"{failure.Message} {progress}", failure.ErrorId, failure.IsTransient, url, failure.StatusCode, failure.CorrelationId, failure);
    }
}
