using MuseumSync.Jobs;
using MuseumSync.Storage;

namespace MuseumSync.Core.Tests.Storage.Contract;

/// <summary>Scale-out jobs (migration 8): each job's done-mark commits with its rows; the last job moves the checkpoint.</summary>
public abstract partial class StoreContractTests
{
    private IJobStore Jobs => (IJobStore)Store;

    private static PlannedJob Chunk(string key, params string[] ids) => new() { Key = key, Kind = JobKind.Chunk, Ids = ids };

    private async Task<JobSubmission> SubmitAsync(string id, IReadOnlyList<PlannedJob> jobs, string? watermark = null)
    {
        var submission = new JobSubmission { Id = id, Source = "met", Created = T1, PlannedJobs = jobs.Count, AdvanceCheckpoint = true, CheckpointPosition = null, Watermark = watermark };
        await Jobs.CreateSubmissionAsync(submission, jobs, CancellationToken.None);
        return submission;
    }

    private async Task<BatchResult> CommitJobAsync(JobMark mark, IReadOnlyList<MuseumRecord> records, IReadOnlyList<MuseumRecord>? dead = null, bool advance = false, string? position = null, DateTimeOffset? now = null)
    {
        var batch = Batch(records, dead, advance, position, now ?? T2);
        var session = Store.BeginSession("met");
        await using (session)
        {
            StoreSessionExtensions.Fill(session, batch);
            return await session.CompleteAsync(new SessionCompletion { Job = mark, AdvanceCheckpoint = advance, CheckpointPosition = position, Endpoint = batch.Endpoint, Now = batch.Now }, CancellationToken.None);
        }
    }

    [StoreFact]
    public async Task JobMark_ChunkCommittedTwice_WritesOnce()
    {
        await SubmitAsync("s1", [Chunk("ids:0", "1", "2"), Chunk("ids:2", "3")]);

        var first = await CommitJobAsync(new JobMark("s1", "ids:0"), [Rec("1"), Rec("2")], [Bad("x", """{"ObjectID":"x"}""")]);
        var again = await CommitJobAsync(new JobMark("s1", "ids:0"), [Rec("1", title: "second"), Rec("2", title: "second")], [Bad("x", """{"ObjectID":"x"}""")], now: T3);

        Assert.Equal(new BatchResult(2, 0, 0, 1, 0), first);
        Assert.False(first.AlreadyDone);
        Assert.True(again.AlreadyDone);
        Assert.Equal(new BatchResult(0, 0, 0, 0, 0) { AlreadyDone = true }, again);
        Assert.Equal(2, await CountAsync("museum_records"));
        Assert.Equal(0, await CountAsync("museum_records", "title <> @p0", "Seal"));
        Assert.Equal(1, Assert.Single(await Store.GetDeadLettersAsync(new DeadLetterQuery(), CancellationToken.None)).AttemptCount);
        Assert.Equal(2, (await CheckpointAsync()).RecordsCommitted);
        var job = Assert.Single(await Jobs.GetJobsAsync(new JobQuery { Submission = "s1", State = "Done" }, CancellationToken.None));
        Assert.Equal("ids:0", job.Key);
        Assert.Equal(3, job.Records);
        Assert.Equal(1, (await Jobs.GetSubmissionAsync("s1", CancellationToken.None))!.DoneJobs);
    }

    [StoreFact]
    public async Task JobMark_CheckpointMovesOnlyWithTheLastJob()
    {
        await Store.SetCheckpointAsync(new CheckpointChange { Source = "met", SetCursor = true, Cursor = "before" }, CancellationToken.None);
        await SubmitAsync("s2", [Chunk("ids:0", "1"), Chunk("ids:1", "2")], watermark: "2025-01-02T09:00:00Z");

        // A job never moves the checkpoint by its own records, even when its batch says so.
        await CommitJobAsync(new JobMark("s2", "ids:1"), [Rec("2")], advance: true, position: "c9");
        var middle = await CheckpointAsync();
        await CommitJobAsync(new JobMark("s2", "ids:0"), [Rec("1")]);
        var end = await CheckpointAsync();

        Assert.Equal("before", middle.Cursor);
        Assert.Null(middle.Watermark);
        Assert.Null(end.Cursor);
        Assert.Equal("2025-01-02T09:00:00Z", end.Watermark);
        var submission = (await Jobs.GetSubmissionAsync("s2", CancellationToken.None))!;
        Assert.Equal(2, submission.DoneJobs);
        Assert.NotNull(submission.Finished);
        Assert.Empty(await Jobs.GetOpenJobsAsync("s2", CancellationToken.None));
    }

    [StoreFact]
    public async Task ListJob_PlansItsChunksInItsOwnTransaction_OnceOnly()
    {
        await SubmitAsync("s3", [new PlannedJob { Key = "list", Kind = JobKind.List, IdsPerJob = 2 }]);
        var chunks = JobPlanner.Chunks(["1", "2", "3"], 2);

        var first = await CommitJobAsync(new JobMark("s3", "list") { NewJobs = chunks }, []);
        var retried = await CommitJobAsync(new JobMark("s3", "list") { NewJobs = chunks }, []);

        Assert.False(first.AlreadyDone);
        Assert.True(retried.AlreadyDone);
        Assert.Equal(["ids:0", "ids:2"], await Jobs.GetOpenJobsAsync("s3", CancellationToken.None));
        var submission = (await Jobs.GetSubmissionAsync("s3", CancellationToken.None))!;
        Assert.Equal(3, submission.PlannedJobs);
        Assert.Equal(1, submission.DoneJobs);
        Assert.Null(submission.Finished);
        var stored = (await Jobs.GetJobAsync("s3", "ids:2", CancellationToken.None))!.Value;
        Assert.Equal(["3"], stored.Job.Ids);
        Assert.False(stored.Done);
        Assert.Equal(["list", "ids:0", "ids:2"], (await Jobs.GetJobsAsync(new JobQuery { Submission = "s3" }, CancellationToken.None)).Select(j => j.Key));
    }
}
