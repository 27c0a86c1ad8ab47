using MuseumSync.Jobs;
using MuseumSync.Run;

namespace MuseumSync.Core.Tests.Jobs;

public sealed class JobPlannerTests
{
    private static readonly TimeProvider Clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Plan_IdFanOut_IsOneListJobThatCarriesIdsPerJob()
    {
        var settings = new SyncSettings { Source = "bench", Uri = new Uri("http://127.0.0.1:9/ids"), ItemUri = "http://127.0.0.1:9/assets/{id}" };

        var (plan, submission, jobs) = JobPlanner.Plan(settings, new JobOptions { IdsPerJob = 250 }, Clock);

        Assert.Equal(JobPlanner.IdFanOut, plan);
        var list = Assert.Single(jobs);
        Assert.Equal(("list", JobKind.List, 250), (list.Key, list.Kind, list.IdsPerJob!.Value));
        Assert.Equal(1, submission.PlannedJobs);
        Assert.True(submission.AdvanceCheckpoint);
        Assert.Null(submission.CheckpointPosition);
        Assert.Null(submission.Watermark); // not incremental
        Assert.Matches("^[0-9a-f]{32}$", submission.Id);
    }

    [Fact]
    public void Plan_IncrementalFanOut_WatermarkIsTheSubmissionLessTheOverlap()
    {
        var settings = new SyncSettings { Source = "met", Profile = "Met" };

        var (plan, submission, _) = JobPlanner.Plan(settings, new JobOptions(), Clock);

        Assert.Equal(JobPlanner.IdFanOut, plan);
        Assert.Equal("2025-02-28T12:00:00Z", submission.Watermark); // the Met profile's overlap is one day
    }

    [Fact]
    public void Plan_CursorFeed_IsOneFeedJobThatLeavesTheCheckpointToItsRun()
    {
        var settings = new SyncSettings { Source = "feed", Uri = new Uri("http://127.0.0.1:9/objects") };

        var (plan, submission, jobs) = JobPlanner.Plan(settings, new JobOptions(), Clock);

        Assert.Equal(JobPlanner.Feed, plan);
        Assert.Equal(JobKind.Feed, Assert.Single(jobs).Kind);
        Assert.False(submission.AdvanceCheckpoint);
    }

    [Fact]
    public void Chunks_SplitInListOrder_EachIdOnce_KeysNameTheFirstIndex()
    {
        var chunks = JobPlanner.Chunks(["a", "b", "a", "c", null, "d", "e"], 2);

        Assert.Equal(["ids:0", "ids:3", "ids:5"], chunks.Select(c => c.Key));
        Assert.Equal([["a", "b"], ["c", ""], ["d", "e"]], chunks.Select(c => c.Ids.ToArray()));
        Assert.Equal("2 ids a..b", chunks[0].Describe());
    }

    [Fact]
    public void Chunks_PayloadRoundTrips()
    {
        var chunk = JobPlanner.Chunks(["1", "x\"y"], 5)[0];

        var back = PlannedJob.FromStored(chunk.Key, chunk.Kind.ToString(), chunk.Payload());

        Assert.Equal(chunk.Ids, back.Ids);
        Assert.Equal(JobKind.Chunk, back.Kind);
    }

    [Fact]
    public void Options_IdsPerJobOutOfRange_SaysTheRange()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new JobOptions { IdsPerJob = 10_001 }.Validate());
        Assert.Contains("-IdsPerJob must be from 1 to 10,000", ex.Message, StringComparison.Ordinal);
    }
}
