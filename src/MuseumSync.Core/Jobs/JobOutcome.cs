namespace MuseumSync.Jobs;

/// <summary>What one job did.</summary>
/// <param name="Key">The job.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="AlreadyDone">True when its done-mark was there already: it wrote nothing.</param>
/// <param name="Records">Records it committed (valid, deleted and dead-lettered).</param>
/// <param name="Enqueue">Jobs of the submission to hand to the job engine now (a list job's chunks that are not done).</param>
internal sealed record JobOutcome(string Key, JobKind Kind, bool AlreadyDone, int Records, IReadOnlyList<string> Enqueue);
