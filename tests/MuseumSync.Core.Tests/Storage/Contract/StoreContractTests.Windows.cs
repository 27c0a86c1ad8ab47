using System.Globalization;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using MuseumSync.Core.Tests.Polling;
using MuseumSync.Jobs;
using MuseumSync.Paging;
using MuseumSync.Run;
using MuseumSync.Storage;
using MuseumSync.Sync;

namespace MuseumSync.Core.Tests.Storage.Contract;

/// <summary>
/// Issue #15's date-window jobs run by <see cref="JobRunner"/> against a loopback OAI-PMH repository, and the rule between
/// plain runs and submissions (<see cref="SubmissionGate"/>), on every store.
/// </summary>
public abstract partial class StoreContractTests
{
    private static readonly XNamespace OaiNs = "http://www.openarchives.org/OAI/2.0/";
    private static readonly XNamespace OaiDcNs = "http://www.openarchives.org/OAI/2.0/oai_dc/";
    private static readonly XNamespace DcNs = "http://purl.org/dc/elements/1.1/";

    /// <summary>
    /// A repository at seconds granularity (earliestDatestamp 2025-01-01T00:00:00Z) of one record a day from 2025-01-01 to
    /// 2025-01-10 at 06:00, that honours from= and until= (inclusive, as OAI-PMH says); every ListRecords query is kept.
    /// </summary>
    private static Task<TestApiServer> OaiRepositoryAsync(List<string> queries) =>
        OaiRepositoryAsync(queries, Enumerable.Range(1, 10).Select(day => ($"oai:test:{day}", new DateTimeOffset(2025, 1, day, 6, 0, 0, TimeSpan.Zero))).ToList());

    private static Task<TestApiServer> OaiRepositoryAsync(List<string> queries, IReadOnlyList<(string Id, DateTimeOffset Stamp)> all) => TestApiServer.StartAsync(async (ctx, _) =>
    {
        lock (queries) queries.Add(ctx.Request.QueryString.Value!);
        if (ctx.Request.Query["verb"] == "Identify")
        {
            await PollTestKit.WriteJsonAsync(ctx, new XDocument(new XElement(OaiNs + "OAI-PMH",
                new XElement(OaiNs + "responseDate", "2025-05-01T00:00:00Z"),
                new XElement(OaiNs + "request", new XAttribute("verb", "Identify"), "https://example.org/oai"),
                new XElement(OaiNs + "Identify",
                    new XElement(OaiNs + "repositoryName", "Test"), new XElement(OaiNs + "baseURL", "https://example.org/oai"), new XElement(OaiNs + "protocolVersion", "2.0"),
                    new XElement(OaiNs + "adminEmail", "oai@example.org"), new XElement(OaiNs + "earliestDatestamp", "2025-01-01T00:00:00Z"),
                    new XElement(OaiNs + "deletedRecord", "persistent"), new XElement(OaiNs + "granularity", "YYYY-MM-DDThh:mm:ssZ")))).ToString(), contentType: "text/xml");
            return;
        }
        static DateTimeOffset? Arg(HttpContext c, string name) => c.Request.Query[name].ToString() is { Length: > 0 } v ? DateTimeOffset.Parse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal) : null;
        var from = Arg(ctx, "from");
        var until = Arg(ctx, "until");
        var records = all
            .Where(r => (from is null || r.Stamp >= from) && (until is null || r.Stamp <= until))
            .Select(r => new XElement(OaiNs + "record",
                new XElement(OaiNs + "header", new XElement(OaiNs + "identifier", r.Id), new XElement(OaiNs + "datestamp", r.Stamp.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))),
                new XElement(OaiNs + "metadata", new XElement(OaiDcNs + "dc", new XAttribute(XNamespace.Xmlns + "oai_dc", OaiDcNs), new XAttribute(XNamespace.Xmlns + "dc", DcNs),
                    new XElement(DcNs + "title", "Object " + r.Id), new XElement(DcNs + "rights", "http://rightsstatements.org/vocab/NoC-US/1.0/")))));
        await PollTestKit.WriteJsonAsync(ctx, new XDocument(new XElement(OaiNs + "OAI-PMH",
            new XElement(OaiNs + "responseDate", "2025-05-01T00:00:00Z"),
            new XElement(OaiNs + "request", new XAttribute("verb", "ListRecords"), "https://example.org/oai"),
            new XElement(OaiNs + "ListRecords", records))).ToString(), contentType: "text/xml");
    });

    [StoreFact]
    public async Task WindowJobs_EachWindowCommitsOnce_WatermarkMovesOnlyWithTheLast()
    {
        var queries = new List<string>();
        await using var server = await OaiRepositoryAsync(queries);
        var settings = new SyncSettings { Source = "met", Uri = server.Url("oai"), Paging = PagingStyle.OaiPmh, Overlap = TimeSpan.FromHours(1), SkipCompliance = true };
        var submittedAt = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2025, 1, 10, 12, 0, 0, TimeSpan.Zero));
        var (plan, submission, jobs) = JobPlanner.Plan(settings, new JobOptions { WindowDays = 3 }, submittedAt);
        await Jobs.CreateSubmissionAsync(submission, jobs, CancellationToken.None);
        var runner = new JobRunner(Store, MainOptions);
        var options = new JobOptions();

        // The windows job: no -Since and no watermark, so the lower bound is Identify's earliestDatestamp.
        var planned = await runner.RunAsync(settings, submission.Id, "windows", options, null, CancellationToken.None);
        Assert.Equal(JobPlanner.DateWindows, plan);
        Assert.Equal(
            ["window:2025-01-01T00:00:00Z..2025-01-04T00:00:00Z", "window:2025-01-04T00:00:00Z..2025-01-07T00:00:00Z",
             "window:2025-01-07T00:00:00Z..2025-01-10T00:00:00Z", "window:2025-01-10T00:00:00Z..2025-01-10T12:00:00Z"], planned.Enqueue);

        // Windows run in any order; until the last one the checkpoint's watermark stays.
        var counts = new List<int>();
        foreach (var key in new[] { planned.Enqueue[2], planned.Enqueue[0], planned.Enqueue[3] })
        {
            counts.Add((await runner.RunAsync(settings, submission.Id, key, options, null, CancellationToken.None)).Records);
            Assert.Null((await Store.GetCheckpointsAsync("met", CancellationToken.None)).SingleOrDefault()?.Watermark);
        }
        var again = await runner.RunAsync(settings, submission.Id, planned.Enqueue[0], options, null, CancellationToken.None);
        var last = await runner.RunAsync(settings, submission.Id, planned.Enqueue[1], options, null, CancellationToken.None);

        Assert.Equal([3, 3, 1], counts);
        Assert.True(again.AlreadyDone);
        Assert.Equal(3, last.Records);
        Assert.Equal(10, await CountAsync("museum_records"));
        var checkpoint = await CheckpointAsync();
        Assert.Equal("2025-01-10T11:00:00Z", checkpoint.Watermark); // the submission's time less the overlap
        Assert.Null(checkpoint.Cursor);
        Assert.Equal(10, checkpoint.RecordsCommitted); // the windows do not overlap at seconds granularity: each record once
        Assert.NotNull((await Jobs.GetSubmissionAsync(submission.Id, CancellationToken.None))!.Finished);
        var windows = (await Jobs.GetJobsAsync(new JobQuery { Submission = submission.Id }, CancellationToken.None)).Where(j => j.Kind == "Window").ToList();
        Assert.Equal("2025-01-01T00:00:00Z..2025-01-04T00:00:00Z", windows[0].Range);
        Assert.All(windows, w => Assert.Equal("Done", w.State));
        // On the wire: each window's until= is the last second before its end, so adjacent windows do not overlap.
        Assert.Contains("?verb=ListRecords&metadataPrefix=oai_dc&from=2025-01-07T00%3A00%3A00Z&until=2025-01-09T23%3A59%3A59Z", queries);
        Assert.Contains("?verb=ListRecords&metadataPrefix=oai_dc&from=2025-01-10T00%3A00%3A00Z&until=2025-01-10T11%3A59%3A59Z", queries);
    }

    [StoreFact]
    public async Task WindowJob_OverTheRecordLimit_SplitsInTwoAtMidnightInItsOwnTransaction_ThenEachHalfCommits()
    {
        // 6,000 records on 2 January and 4,001 on 3 January: one window of both days holds one more than a job may commit.
        var all = Enumerable.Range(0, JobOptions.MaxRecordsPerWindow + 1)
            .Select(i => ($"oai:big:{i}", new DateTimeOffset(2025, 1, i < 6000 ? 2 : 3, 6, 0, 0, TimeSpan.Zero).AddSeconds(i % 3600)))
            .ToList();
        var queries = new List<string>();
        await using var server = await OaiRepositoryAsync(queries, all);
        var settings = new SyncSettings { Source = "met", Uri = server.Url("oai"), Paging = PagingStyle.OaiPmh, SkipCompliance = true };
        var window = JobPlanner.Window(new DateTimeOffset(2025, 1, 2, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 1, 4, 0, 0, 0, TimeSpan.Zero));
        var submission = new JobSubmission { Id = "big", Source = "met", Created = T1, PlannedJobs = 1, AdvanceCheckpoint = true, Watermark = "2025-01-04T00:00:00Z" };
        await Jobs.CreateSubmissionAsync(submission, [window], CancellationToken.None);
        var runner = new JobRunner(Store, MainOptions);

        var split = await runner.RunAsync(settings, "big", window.Key, new JobOptions(), null, CancellationToken.None);

        Assert.Equal(0, split.Records);
        Assert.Equal(["window:2025-01-02T00:00:00Z..2025-01-03T00:00:00Z", "window:2025-01-03T00:00:00Z..2025-01-04T00:00:00Z"], split.Enqueue);
        Assert.Equal(0, await CountAsync("museum_records")); // nothing of the full window was written
        Assert.Null((await Store.GetCheckpointsAsync("met", CancellationToken.None)).SingleOrDefault()?.Watermark);
        var halves = new List<int>();
        foreach (var key in split.Enqueue) halves.Add((await runner.RunAsync(settings, "big", key, new JobOptions(), null, CancellationToken.None)).Records);
        Assert.Equal([6000, 4001], halves);
        Assert.Equal(JobOptions.MaxRecordsPerWindow + 1, await CountAsync("museum_records"));
        Assert.Equal("2025-01-04T00:00:00Z", (await CheckpointAsync()).Watermark);
        Assert.Equal(3, (await Jobs.GetSubmissionAsync("big", CancellationToken.None))!.DoneJobs);
    }

    [StoreFact]
    public async Task WindowsJob_LowerBoundIsTheCheckpointsWatermark()
    {
        var queries = new List<string>();
        await using var server = await OaiRepositoryAsync(queries);
        await Store.SetCheckpointAsync(new CheckpointChange { Source = "met", SetWatermark = true, Watermark = "2025-01-08T05:00:00Z" }, CancellationToken.None);
        var settings = new SyncSettings { Source = "met", Uri = server.Url("oai"), Paging = PagingStyle.OaiPmh, SkipCompliance = true };
        var (_, submission, jobs) = JobPlanner.Plan(settings, new JobOptions { WindowDays = 7 }, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2025, 1, 10, 12, 0, 0, TimeSpan.Zero)));
        await Jobs.CreateSubmissionAsync(submission, jobs, CancellationToken.None);

        var planned = await new JobRunner(Store, MainOptions).RunAsync(settings, submission.Id, "windows", new JobOptions(), null, CancellationToken.None);

        Assert.Equal(["window:2025-01-08T05:00:00Z..2025-01-10T12:00:00Z"], planned.Enqueue);
        Assert.DoesNotContain(queries, q => q.Contains("Identify", StringComparison.Ordinal)); // a lower bound was known: the repository is not asked
    }

    [StoreFact]
    public async Task SubmissionGate_UnfinishedSubmissionKeepsPlainRunsOut_UntilAbandoned()
    {
        await Store.SetCheckpointAsync(new CheckpointChange { Source = "met", SetCursor = true, Cursor = "before" }, CancellationToken.None);
        await SubmitAsync("g1", [Chunk("ids:0", "1"), Chunk("ids:1", "2")]);
        await CommitJobAsync(new JobMark("g1", "ids:0"), [Rec("1")]);

        // A plain run takes the lease and finds the submission: it stops before anything is fetched, and gives the lease back.
        var writer = new SyncWriter(Store, new SyncWriterOptions { Source = "met", StoreDescription = "the test store" });
        var busy = await Assert.ThrowsAsync<SyncSourceBusyException>(async () => await writer.EnsureLeaseAsync("met"));
        Assert.Contains("held by scale-out submission g1", busy.Message, StringComparison.Ordinal);
        Assert.Equal("SyncSourceBusy", busy.ErrorId);
        Assert.Contains("1 of 2 jobs done", busy.Message, StringComparison.Ordinal);
        Assert.Contains("Get-MuseumSyncJob -Submission g1", busy.Message, StringComparison.Ordinal);
        Assert.Contains("Submit-MuseumSync -ConfigPath <your sync.psd1> -Abandon g1", busy.Message, StringComparison.Ordinal);
        var other = await Store.TryAcquireLeaseAsync(Lease(who: Stranger()), CancellationToken.None);
        Assert.True(other.Acquired, "the refused run gave its lease back");
        await Store.ReleaseLeaseAsync(other.Lease!, CancellationToken.None);

        // The submission's own feed job passes; workers of the same submission are not kept out by it.
        await SubmissionGate.ThrowIfHeldAsync(Store, "met", "g1", "the test store", CancellationToken.None);
        // Another source is free.
        await SubmissionGate.ThrowIfHeldAsync(Store, "aic", null, "the test store", CancellationToken.None);

        Assert.True(await Jobs.AbandonSubmissionAsync("g1", CancellationToken.None));
        Assert.False(await Jobs.AbandonSubmissionAsync("g1", CancellationToken.None));
        Assert.Null(await Jobs.GetOpenSubmissionAsync("met", CancellationToken.None));
        // A worker still running the abandoned job writes nothing, and the checkpoint stays.
        var late = await CommitJobAsync(new JobMark("g1", "ids:1"), [Rec("2")]);
        Assert.True(late.AlreadyDone);
        Assert.Equal(1, await CountAsync("museum_records"));
        Assert.Equal("before", (await CheckpointAsync()).Cursor);
        Assert.Equal(["Done", "Abandoned"], (await Jobs.GetJobsAsync(new JobQuery { Submission = "g1" }, CancellationToken.None)).Select(j => j.State));
        await SubmissionGate.ThrowIfHeldAsync(Store, "met", null, "the test store", CancellationToken.None);
    }

    [StoreFact]
    public async Task SubmissionGate_FinishedSubmissionHoldsNothing()
    {
        await SubmitAsync("g2", [Chunk("ids:0", "1")]);
        await CommitJobAsync(new JobMark("g2", "ids:0"), [Rec("1")]);

        Assert.Null(await Jobs.GetOpenSubmissionAsync("met", CancellationToken.None));
        await SubmissionGate.ThrowIfHeldAsync(Store, "met", null, "the test store", CancellationToken.None);
    }
}
