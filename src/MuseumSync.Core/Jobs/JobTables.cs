using System.Data;
using System.Data.Common;
using System.Globalization;

namespace MuseumSync.Jobs;

/// <summary>
/// The statements on the job tables (<see cref="JobSchema"/>), one text for SQLite, PostgreSQL and SQL Server: only the
/// schema prefix differs, and every value is a parameter. Each method runs on the caller's connection and transaction.
/// </summary>
internal sealed class JobTables
{
    private readonly string _insertSubmission, _insertJob, _claim, _count, _readSubmission, _finish, _readJob, _list, _attempt, _open, _openSubmission, _abandonJobs, _abandonSubmission;

    /// <param name="prefix">The quoted schema and a dot (<c>"museumsync".</c>, <c>[dbo].</c>), or empty for SQLite.</param>
    public JobTables(string prefix)
    {
        var s = prefix;
        _insertSubmission = $"INSERT INTO {s}sync_submissions (id, source, created_utc, planned_jobs, done_jobs, advance_checkpoint, checkpoint_position, watermark) VALUES (@id, @source, @now, @planned, 0, @advance, @position, @watermark)";
        _insertJob = $"INSERT INTO {s}sync_jobs (submission_id, job_key, seq, kind, description, payload, state, attempts, updated_utc) VALUES (@sub, @key, @seq, @kind, @description, @payload, 'Enqueued', 0, @now)";
        _claim = $"UPDATE {s}sync_jobs SET state = 'Done', done_utc = @now, updated_utc = @now, records = @records, last_error = NULL WHERE submission_id = @sub AND job_key = @key AND done_utc IS NULL";
        // The UPDATE takes the submission's row lock until the transaction ends: the jobs of one submission count one
        // after the other, so exactly one of them sees done = planned.
        _count = $"UPDATE {s}sync_submissions SET planned_jobs = planned_jobs + @added, done_jobs = done_jobs + 1 WHERE id = @sub";
        _readSubmission = $"SELECT id, source, created_utc, planned_jobs, done_jobs, finished_utc, advance_checkpoint, checkpoint_position, watermark FROM {s}sync_submissions WHERE id = @sub";
        _finish = $"UPDATE {s}sync_submissions SET finished_utc = @now WHERE id = @sub";
        _readJob = $"SELECT job_key, kind, payload, done_utc FROM {s}sync_jobs WHERE submission_id = @sub AND job_key = @key";
        _list = $"""
            SELECT j.submission_id, s.source, j.job_key, j.kind, j.description, j.state, j.attempts, j.last_error, j.updated_utc, j.done_utc, j.records
            FROM {s}sync_jobs j JOIN {s}sync_submissions s ON s.id = j.submission_id
            WHERE (@sub IS NULL OR j.submission_id = @sub) AND (@source IS NULL OR s.source = @source) AND (@state IS NULL OR j.state = @state)
            ORDER BY s.created_utc, j.submission_id, j.seq
            """;
        _attempt = $"UPDATE {s}sync_jobs SET state = @state, attempts = attempts + @started, last_error = COALESCE(@error, last_error), updated_utc = @now WHERE submission_id = @sub AND job_key = @key AND done_utc IS NULL";
        _open = $"SELECT job_key FROM {s}sync_jobs WHERE submission_id = @sub AND done_utc IS NULL AND kind <> 'List' ORDER BY seq";
        // A submission holds its source until its last job commits (or it is abandoned): plain runs wait for it.
        _openSubmission = $"SELECT id, source, created_utc, planned_jobs, done_jobs, finished_utc, advance_checkpoint, checkpoint_position, watermark FROM {s}sync_submissions WHERE source = @source AND finished_utc IS NULL ORDER BY created_utc";
        // Abandoning marks every open job done without rows: a worker still running one finds its mark and writes nothing.
        _abandonJobs = $"UPDATE {s}sync_jobs SET state = 'Abandoned', done_utc = @now, updated_utc = @now WHERE submission_id = @sub AND done_utc IS NULL";
        _abandonSubmission = $"UPDATE {s}sync_submissions SET finished_utc = @now WHERE id = @sub AND finished_utc IS NULL";
    }

    /// <summary>Every statement, by name (the SQL Server test parses them with ScriptDom).</summary>
    public IEnumerable<(string Name, string Sql)> All() =>
    [
        ("InsertSubmission", _insertSubmission), ("InsertJob", _insertJob), ("ClaimJob", _claim), ("CountJob", _count), ("ReadSubmission", _readSubmission),
        ("FinishSubmission", _finish), ("ReadJob", _readJob), ("ListJobs", _list), ("RecordAttempt", _attempt), ("OpenJobs", _open),
        ("OpenSubmission", _openSubmission), ("AbandonJobs", _abandonJobs), ("AbandonSubmission", _abandonSubmission),
    ];

    /// <summary>Writes a submission and its first jobs.</summary>
    public async Task CreateAsync(DbConnection c, DbTransaction tx, JobSubmission submission, IReadOnlyList<PlannedJob> jobs, CancellationToken ct)
    {
        var now = Iso(submission.Created);
        var cmd = Command(c, tx, _insertSubmission);
        await using (cmd.ConfigureAwait(false))
        {
            Text(cmd, "id", submission.Id);
            Text(cmd, "source", submission.Source);
            Text(cmd, "now", now);
            Int(cmd, "planned", jobs.Count);
            Int(cmd, "advance", submission.AdvanceCheckpoint ? 1 : 0);
            Text(cmd, "position", submission.CheckpointPosition);
            Text(cmd, "watermark", submission.Watermark);
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await InsertJobsAsync(c, tx, submission.Id, jobs, 0, now, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Marks the job done and counts it in its submission (with the jobs it plans), in the caller's transaction. Returns
    /// <see cref="JobCommit.AlreadyDone"/> when the mark was there already: the caller must then write nothing.
    /// </summary>
    public async Task<JobCommit> CommitAsync(DbConnection c, DbTransaction tx, JobMark mark, int records, DateTimeOffset when, CancellationToken ct)
    {
        var now = Iso(when);
        var claim = Command(c, tx, _claim);
        await using (claim.ConfigureAwait(false))
        {
            Text(claim, "now", now);
            Int(claim, "records", mark.Records ?? records);
            Text(claim, "sub", mark.SubmissionId);
            Text(claim, "key", mark.Key);
            if (await claim.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0) return JobCommit.AlreadyDone;
        }
        var count = Command(c, tx, _count);
        await using (count.ConfigureAwait(false))
        {
            Int(count, "added", mark.NewJobs.Count);
            Text(count, "sub", mark.SubmissionId);
            await count.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        var submission = await ReadSubmissionAsync(c, tx, mark.SubmissionId, ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Submission {mark.SubmissionId} is not in the store.");
        if (mark.NewJobs.Count > 0)
        {
            // After the jobs planned before them: Get-MuseumSyncJob lists a submission's jobs in plan order.
            await InsertJobsAsync(c, tx, mark.SubmissionId, mark.NewJobs, submission.PlannedJobs - mark.NewJobs.Count, now, ct).ConfigureAwait(false);
        }
        var last = submission.DoneJobs >= submission.PlannedJobs;
        if (last)
        {
            var finish = Command(c, tx, _finish);
            await using (finish.ConfigureAwait(false))
            {
                Text(finish, "now", now);
                Text(finish, "sub", mark.SubmissionId);
                await finish.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }
        return new JobCommit(true, last, submission);
    }

    /// <summary>The source's oldest submission whose jobs are not all done (it holds the source), or null.</summary>
    public Task<JobSubmission?> OpenSubmissionAsync(DbConnection c, DbTransaction? tx, string source, CancellationToken ct) =>
        ReadSubmissionAsync(c, tx, _openSubmission, "source", source, ct);

    /// <summary>
    /// Abandons a submission that is not finished: its open jobs are marked done (state Abandoned) and it is finished,
    /// without moving the checkpoint. False when it is finished already (or there is none).
    /// </summary>
    public async Task<bool> AbandonAsync(DbConnection c, DbTransaction tx, string submissionId, DateTimeOffset when, CancellationToken ct)
    {
        var now = Iso(when);
        var finish = Command(c, tx, _abandonSubmission);
        await using (finish.ConfigureAwait(false))
        {
            Text(finish, "now", now);
            Text(finish, "sub", submissionId);
            if (await finish.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0) return false;
        }
        var jobs = Command(c, tx, _abandonJobs);
        await using (jobs.ConfigureAwait(false))
        {
            Text(jobs, "now", now);
            Text(jobs, "sub", submissionId);
            await jobs.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        return true;
    }

    /// <summary>The submission, or null when there is none with this id.</summary>
    public Task<JobSubmission?> ReadSubmissionAsync(DbConnection c, DbTransaction? tx, string id, CancellationToken ct) =>
        ReadSubmissionAsync(c, tx, _readSubmission, "sub", id, ct);

    private static async Task<JobSubmission?> ReadSubmissionAsync(DbConnection c, DbTransaction? tx, string sql, string parameter, string value, CancellationToken ct)
    {
        var cmd = Command(c, tx, sql);
        await using (cmd.ConfigureAwait(false))
        {
            Text(cmd, parameter, value);
            var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (r.ConfigureAwait(false))
            {
                if (!await r.ReadAsync(ct).ConfigureAwait(false)) return null;
                return new JobSubmission
                {
                    Id = r.GetString(0),
                    Source = r.GetString(1),
                    Created = Time(r.GetString(2)),
                    PlannedJobs = Convert.ToInt32(r.GetValue(3), CultureInfo.InvariantCulture),
                    DoneJobs = Convert.ToInt32(r.GetValue(4), CultureInfo.InvariantCulture),
                    Finished = r.IsDBNull(5) ? null : Time(r.GetString(5)),
                    AdvanceCheckpoint = Convert.ToInt32(r.GetValue(6), CultureInfo.InvariantCulture) != 0,
                    CheckpointPosition = r.IsDBNull(7) ? null : r.GetString(7),
                    Watermark = r.IsDBNull(8) ? null : r.GetString(8),
                };
            }
        }
    }

    /// <summary>The job and whether it is done, or null when the submission has no such job.</summary>
    public async Task<(PlannedJob Job, bool Done)?> ReadJobAsync(DbConnection c, string submissionId, string key, CancellationToken ct)
    {
        var cmd = Command(c, null, _readJob);
        await using (cmd.ConfigureAwait(false))
        {
            Text(cmd, "sub", submissionId);
            Text(cmd, "key", key);
            var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (r.ConfigureAwait(false))
            {
                if (!await r.ReadAsync(ct).ConfigureAwait(false)) return null;
                return (PlannedJob.FromStored(r.GetString(0), r.GetString(1), r.GetString(2)), !r.IsDBNull(3));
            }
        }
    }

    /// <summary>The keys of a submission's jobs that are not done (its list job left out).</summary>
    public async Task<IReadOnlyList<string>> OpenJobsAsync(DbConnection c, string submissionId, CancellationToken ct)
    {
        var cmd = Command(c, null, _open);
        await using (cmd.ConfigureAwait(false))
        {
            Text(cmd, "sub", submissionId);
            var keys = new List<string>();
            var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (r.ConfigureAwait(false))
            {
                while (await r.ReadAsync(ct).ConfigureAwait(false)) keys.Add(r.GetString(0));
            }
            return keys;
        }
    }

    /// <summary>Jobs, all of them or those of one submission, source or state, in submission and plan order.</summary>
    public async Task<IReadOnlyList<SyncJobInfo>> ListAsync(DbConnection c, JobQuery query, CancellationToken ct)
    {
        var cmd = Command(c, null, _list);
        await using (cmd.ConfigureAwait(false))
        {
            Text(cmd, "sub", query.Submission);
            Text(cmd, "source", query.Source);
            Text(cmd, "state", query.State);
            var list = new List<SyncJobInfo>();
            var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (r.ConfigureAwait(false))
            {
                while (await r.ReadAsync(ct).ConfigureAwait(false) && list.Count < query.Limit)
                {
                    list.Add(new SyncJobInfo
                    {
                        Submission = r.GetString(0),
                        Source = r.GetString(1),
                        Key = r.GetString(2),
                        Kind = r.GetString(3),
                        Range = r.GetString(4),
                        State = r.GetString(5),
                        Attempts = Convert.ToInt32(r.GetValue(6), CultureInfo.InvariantCulture),
                        LastError = r.IsDBNull(7) ? null : r.GetString(7),
                        Updated = Time(r.GetString(8)),
                        Done = r.IsDBNull(9) ? null : Time(r.GetString(9)),
                        Records = r.IsDBNull(10) ? null : Convert.ToInt32(r.GetValue(10), CultureInfo.InvariantCulture),
                    });
                }
            }
            return list;
        }
    }

    /// <summary>Records an attempt's start (<paramref name="started"/>) or its failure (<paramref name="error"/>) on a job that is not done.</summary>
    public async Task RecordAttemptAsync(DbConnection c, string submissionId, string key, string state, bool started, string? error, DateTimeOffset when, CancellationToken ct)
    {
        var cmd = Command(c, null, _attempt);
        await using (cmd.ConfigureAwait(false))
        {
            Text(cmd, "state", state);
            Int(cmd, "started", started ? 1 : 0);
            Text(cmd, "error", error);
            Text(cmd, "now", Iso(when));
            Text(cmd, "sub", submissionId);
            Text(cmd, "key", key);
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private async Task InsertJobsAsync(DbConnection c, DbTransaction tx, string submissionId, IReadOnlyList<PlannedJob> jobs, int firstSeq, string now, CancellationToken ct)
    {
        if (jobs.Count == 0) return;
        var cmd = Command(c, tx, _insertJob);
        await using (cmd.ConfigureAwait(false))
        {
            Text(cmd, "sub", submissionId);
            var key = Text(cmd, "key", null);
            var seq = Int(cmd, "seq", 0);
            var kind = Text(cmd, "kind", null);
            var description = Text(cmd, "description", null);
            var payload = Text(cmd, "payload", null);
            Text(cmd, "now", now);
            for (var i = 0; i < jobs.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                var j = jobs[i];
                key.Value = j.Key;
                seq.Value = firstSeq + i;
                kind.Value = j.Kind.ToString();
                description.Value = j.Describe();
                payload.Value = j.Payload();
                await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }
    }

    private static DbCommand Command(DbConnection c, DbTransaction? tx, string sql)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return cmd;
    }

    private static DbParameter Text(DbCommand cmd, string name, string? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = "@" + name;
        p.DbType = DbType.String;
        p.Value = (object?)value ?? DBNull.Value;
        cmd.Parameters.Add(p);
        return p;
    }

    private static DbParameter Int(DbCommand cmd, string name, int value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = "@" + name;
        p.DbType = DbType.Int32;
        p.Value = value;
        cmd.Parameters.Add(p);
        return p;
    }

    /// <summary>How the job tables write a time: ISO 8601 in UTC, sortable as text.</summary>
    public static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset Time(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}

/// <summary>Which jobs <see cref="JobTables.ListAsync"/> reads.</summary>
internal sealed record JobQuery
{
    /// <summary>One submission's; null for all.</summary>
    public string? Submission { get; init; }

    /// <summary>One source's; null for all.</summary>
    public string? Source { get; init; }

    /// <summary>Jobs in this state only; null for all.</summary>
    public string? State { get; init; }

    /// <summary>The most jobs read. The default is 10,000.</summary>
    public int Limit { get; init; } = 10_000;
}
