using MuseumSync.Jobs;
using MuseumSync.Paging;
using MuseumSync.Run;

namespace MuseumSync.Core.Tests.Jobs;

/// <summary>Date-window plans (issue #15): which sources split by date, the window shapes and bounds, the lower-bound fallbacks, splitting a full window.</summary>
public sealed class JobPlannerWindowTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeProvider Clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now);

    private static DateTimeOffset T(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal);

    [Fact]
    public void Plan_OaiPmh_IsOneWindowsJob_WatermarkIsTheSubmissionLessTheOverlap()
    {
        var settings = new SyncSettings { Source = "lido", Uri = new Uri("http://127.0.0.1:9/oai"), Paging = PagingStyle.OaiPmh, Overlap = TimeSpan.FromHours(2) };

        var (plan, submission, jobs) = JobPlanner.Plan(settings, new JobOptions { WindowDays = 30 }, Clock);

        Assert.Equal(JobPlanner.DateWindows, plan);
        var job = Assert.Single(jobs);
        Assert.Equal(("windows", JobKind.Windows, 30), (job.Key, job.Kind, job.WindowDays!.Value));
        Assert.Equal("date windows of 30 days", job.Describe());
        Assert.True(submission.AdvanceCheckpoint);
        Assert.Null(submission.CheckpointPosition);
        Assert.Equal("2025-03-01T10:00:00Z", submission.Watermark);
        Assert.Equal(Now, submission.Created); // the upper bound of every window
    }

    [Theory]
    [InlineData("modified_since", "modified_before", JobPlanner.DateWindows)]
    [InlineData("modified_since", null, JobPlanner.Feed)] // a lower bound only: one feed job, as before
    [InlineData(null, null, JobPlanner.Feed)]
    public void Plan_RestFeed_SplitsByDateOnlyWhenItsApiBoundsBothEnds(string? since, string? until, string expected)
    {
        var settings = new SyncSettings { Source = "rest", Uri = new Uri("http://127.0.0.1:9/objects"), SinceParameter = since, UntilParameter = until };

        Assert.Equal(expected, JobPlanner.Plan(settings, new JobOptions(), Clock).Plan);
    }

    [Fact]
    public void Plan_MetWithSinceAndUntilParameters_StaysAnIdFanOut()
    {
        // The Met's metadataDate search returns an id list: it splits by id chunks, never by date.
        var settings = new SyncSettings { Source = "met", Profile = "Met", UntilParameter = "until" };

        Assert.Equal(JobPlanner.IdFanOut, JobPlanner.Plan(settings, new JobOptions(), Clock).Plan);
    }

    [Fact]
    public void Plan_ChangeDiscovery_IsOneFeedJob()
    {
        var settings = new SyncSettings { Source = "getty", Profile = "Getty" };

        Assert.Equal(JobPlanner.Feed, JobPlanner.Plan(settings, new JobOptions(), Clock).Plan);
    }

    [Fact]
    public void Windows_FromInsideADay_BoundariesOnUtcMidnightEveryWindowDays_LastEndsAtTheUpperBound()
    {
        var windows = JobPlanner.Windows(T("2025-01-01T10:30:15.250Z"), T("2025-01-20T08:00:00.900Z"), 7);

        Assert.Equal(
            ["2025-01-01T10:30:15Z..2025-01-08T00:00:00Z", "2025-01-08T00:00:00Z..2025-01-15T00:00:00Z", "2025-01-15T00:00:00Z..2025-01-20T08:00:00Z"],
            windows.Select(w => w.Describe()));
        Assert.All(windows, w => Assert.Equal(JobKind.Window, w.Kind));
        Assert.Equal("window:2025-01-01T10:30:15Z..2025-01-08T00:00:00Z", windows[0].Key);
        // Adjacent: each window starts where the one before ends, so nothing between them is left out.
        Assert.All(windows.Zip(windows.Skip(1)), p => Assert.Equal(p.First.Until, p.Second.From));
    }

    [Fact]
    public void Windows_OneDayWindows_OnePerDay()
    {
        var windows = JobPlanner.Windows(T("2025-01-01T00:00:00Z"), T("2025-01-04T00:00:00Z"), 1);

        Assert.Equal(["2025-01-01T00:00:00Z..2025-01-02T00:00:00Z", "2025-01-02T00:00:00Z..2025-01-03T00:00:00Z", "2025-01-03T00:00:00Z..2025-01-04T00:00:00Z"], windows.Select(w => w.Describe()));
    }

    [Fact]
    public void Windows_NoLowerBound_OneWindowFromTheBeginning()
    {
        var window = Assert.Single(JobPlanner.Windows(null, Now, 7));

        Assert.Null(window.From);
        Assert.Equal(Now, window.Until);
        Assert.Equal("window:beginning..2025-03-01T12:00:00Z", window.Key);
    }

    [Fact]
    public void Windows_LowerBoundNotBeforeTheUpper_NoWindow()
    {
        Assert.Empty(JobPlanner.Windows(Now, Now, 7));
        Assert.Empty(JobPlanner.Windows(Now.AddHours(1), Now, 7));
    }

    [Fact]
    public void Windows_MoreThanTheJobLimit_SaysRaiseWindowDays()
    {
        var ex = Assert.Throws<ArgumentException>(() => JobPlanner.Windows(T("1000-01-01T00:00:00Z"), Now, 1));

        Assert.Contains("raise -WindowDays", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_WindowDaysOutOfRange_SaysTheRange()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new JobOptions { WindowDays = 0 }.Validate());

        Assert.Contains("-WindowDays must be from 1 to 3,660", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2024-06-01T00:00:00Z", "2024-05-01T00:00:00Z", false, "2000-01-01", "2024-06-01T00:00:00Z")] // -Since wins
    [InlineData(null, "2024-05-01T00:00:00Z", false, "2000-01-01", "2024-05-01T00:00:00Z")] // else the checkpoint's watermark
    [InlineData(null, "2024-05-01T00:00:00Z", true, "2000-01-01", "2000-01-01T00:00:00Z")] // -NoResume: not the watermark
    [InlineData(null, null, false, "2001-02-03T04:05:06Z", "2001-02-03T04:05:06Z")] // else Identify's earliestDatestamp
    [InlineData(null, null, false, "not a date", null)] // else none: one window from the beginning
    [InlineData(null, null, false, null, null)]
    public void LowerBound_SinceThenWatermarkThenEarliestDatestamp(string? since, string? watermark, bool noResume, string? earliest, string? expected)
    {
        var bound = JobPlanner.LowerBound(since is null ? null : T(since), watermark, noResume, earliest);

        Assert.Equal(expected, bound is { } b ? JobPlanner.Stamp(b) : null);
    }

    [Fact]
    public void Halves_SplitAtTheUtcMidnightNearestTheMiddle()
    {
        var (first, second) = JobPlanner.Halves(JobPlanner.Window(T("2025-01-01T10:00:00Z"), T("2025-01-08T00:00:00Z")), seconds: false)!.Value;

        Assert.Equal("2025-01-01T10:00:00Z..2025-01-05T00:00:00Z", first.Describe());
        Assert.Equal("2025-01-05T00:00:00Z..2025-01-08T00:00:00Z", second.Describe());
    }

    [Fact]
    public void Halves_InsideOneDay_SplitAtTheMiddleSecondOnlyWhenTheApiFiltersToTheSecond()
    {
        var window = JobPlanner.Window(T("2025-01-01T10:00:00Z"), T("2025-01-01T12:00:01Z"));

        var (first, second) = JobPlanner.Halves(window, seconds: true)!.Value;

        Assert.Equal("2025-01-01T10:00:00Z..2025-01-01T11:00:00Z", first.Describe());
        Assert.Equal("2025-01-01T11:00:00Z..2025-01-01T12:00:01Z", second.Describe());
        Assert.Null(JobPlanner.Halves(window, seconds: false)); // at day granularity both halves would read the same day
        Assert.Null(JobPlanner.Halves(JobPlanner.Window(T("2025-01-01T10:00:00Z"), T("2025-01-01T10:00:01Z")), seconds: true));
        Assert.Null(JobPlanner.Halves(JobPlanner.Window(null, Now), seconds: true));
    }

    [Fact]
    public void Within_HalvesAndTheirHalvesOnly()
    {
        var window = JobPlanner.Window(T("2025-01-01T00:00:00Z"), T("2025-01-08T00:00:00Z"));

        Assert.True(JobPlanner.Within("window:2025-01-01T00:00:00Z..2025-01-04T00:00:00Z", window));
        Assert.True(JobPlanner.Within("window:2025-01-06T00:00:00Z..2025-01-08T00:00:00Z", window));
        Assert.False(JobPlanner.Within(window.Key, window));
        Assert.False(JobPlanner.Within("window:2025-01-08T00:00:00Z..2025-01-15T00:00:00Z", window));
        Assert.False(JobPlanner.Within("ids:0", window));
    }

    [Fact]
    public void WindowPayload_RoundTrips()
    {
        var window = JobPlanner.Window(T("2025-01-01T10:00:00Z"), T("2025-01-08T00:00:00Z"));
        var open = JobPlanner.Window(null, T("2025-01-08T00:00:00Z"));
        var windows = new PlannedJob { Key = "windows", Kind = JobKind.Windows, WindowDays = 3 };

        var back = PlannedJob.FromStored(window.Key, "Window", window.Payload());

        Assert.Equal((window.From, window.Until), (back.From, back.Until));
        Assert.Null(PlannedJob.FromStored(open.Key, "Window", open.Payload()).From);
        Assert.Equal(3, PlannedJob.FromStored("windows", "Windows", windows.Payload()).WindowDays);
        Assert.Equal("(beginning)..2025-01-08T00:00:00Z", open.Describe());
    }
}
