using MuseumSync.Sync;

namespace MuseumSync.Core.Tests.Sync;

public class BatchBuilderTests
{
    private static readonly DateTimeOffset s_now = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static MuseumRecord Rec(string id, long page, int line, string? position, string? resume, bool endOfPage = false, string source = "met", bool valid = true)
        => new()
        {
            Source = source,
            ObjectId = id,
            Title = "T" + id,
            RawJson = $$"""{"ObjectID":"{{id}}"}""",
            PageNumber = page,
            LineNumber = line,
            Position = position,
            ResumePosition = resume,
            EndOfPage = endOfPage,
            Issues = valid ? [] : [new ValidationIssue("title", "required", "'title' is missing; every record needs a title.")],
        };

    [Fact]
    public void Take_Empty_ReturnsNull()
    {
        var b = new BatchBuilder(10, null);
        Assert.Null(b.Take("https://x", s_now));
        Assert.Equal(0, b.Count);
    }

    [Fact]
    public void Add_FullBatch_ReturnsTrueAtBatchSize()
    {
        var b = new BatchBuilder(2, null);
        Assert.False(b.Add(Rec("1", 1, 1, null, "c2")));
        Assert.True(b.Add(Rec("2", 1, 2, null, "c2")));
        Assert.Equal(2, b.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1_000_001)]
    public void Ctor_BatchSizeOutOfRange_Throws(int size)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchBuilder(size, null));
    }

    [Fact]
    public void Take_BatchEndsMidPage_DoesNotAdvanceCheckpoint()
    {
        var b = new BatchBuilder(2, null);
        b.Add(Rec("1", 1, 1, null, "c2"));
        b.Add(Rec("2", 1, 2, null, "c2"));

        var batch = b.Take("https://x", s_now)!;

        Assert.False(batch.AdvanceCheckpoint);
        Assert.Null(batch.CheckpointPosition);
        Assert.Equal(new[] { "1", "2" }, batch.Records.Select(r => r.ObjectId));
        Assert.Equal("met", batch.Source);
        Assert.Equal("https://x", batch.Endpoint);
        Assert.Equal(s_now, batch.Now);
        Assert.Equal(0, b.Count);
    }

    [Fact]
    public void Add_EndOfPage_CandidateIsThePagesResumePosition()
    {
        var b = new BatchBuilder(10, null);
        b.Add(Rec("1", 1, 1, null, "c2"));
        b.Add(Rec("2", 1, 2, null, "c2", endOfPage: true));

        var batch = b.Take(null, s_now)!;

        Assert.True(batch.AdvanceCheckpoint);
        Assert.Equal("c2", batch.CheckpointPosition);
    }

    [Fact]
    public void Add_PageCompletedInALaterBatch_AdvancesOnlyThen()
    {
        var b = new BatchBuilder(2, null);
        b.Add(Rec("1", 1, 1, null, "c2"));
        b.Add(Rec("2", 1, 2, null, "c2"));
        Assert.False(b.Take(null, s_now)!.AdvanceCheckpoint);

        b.Add(Rec("3", 1, 3, null, "c2", endOfPage: true));
        b.Add(Rec("4", 2, 1, "c2", "c3"));
        var second = b.Take(null, s_now)!;

        Assert.True(second.AdvanceCheckpoint);
        Assert.Equal("c2", second.CheckpointPosition);
    }

    [Fact]
    public void Add_RecordOfLaterPageWithoutEndOfPage_CompletesThePreviousPage()
    {
        // The page's last record never arrived (filtered out upstream), but the next page's first did.
        var b = new BatchBuilder(10, null);
        b.Add(Rec("1", 1, 1, null, "c2"));
        b.Add(Rec("2", 2, 1, "c2", "c3"));

        var batch = b.Take(null, s_now)!;

        Assert.True(batch.AdvanceCheckpoint);
        Assert.Equal("c2", batch.CheckpointPosition);
    }

    [Fact]
    public void Add_SeveralPagesInOneBatch_CandidateIsTheLastCompletedPage()
    {
        var b = new BatchBuilder(10, null);
        b.Add(Rec("1", 1, 1, null, "c2", endOfPage: true));
        b.Add(Rec("2", 2, 1, "c2", "c3", endOfPage: true));
        b.Add(Rec("3", 3, 1, "c3", "c4"));

        var batch = b.Take(null, s_now)!;

        Assert.True(batch.AdvanceCheckpoint);
        Assert.Equal("c3", batch.CheckpointPosition);
    }

    [Fact]
    public void Add_LastPageOfFeed_CandidateIsItsOwnPosition()
    {
        var b = new BatchBuilder(10, null);
        b.Add(Rec("1", 3, 1, "c3", "c3", endOfPage: true));
        Assert.Equal("c3", b.Take(null, s_now)!.CheckpointPosition);
    }

    [Fact]
    public void Add_SinglePageFeedFromStart_AdvancesWithNullPosition()
    {
        var b = new BatchBuilder(10, null);
        b.Add(Rec("1", 1, 1, null, null, endOfPage: true));

        var batch = b.Take(null, s_now)!;

        Assert.True(batch.AdvanceCheckpoint);
        Assert.Null(batch.CheckpointPosition);
    }

    [Fact]
    public void Take_AfterEndOfPageWithNoRecordsLeft_StillCarriesTheCheckpoint()
    {
        var b = new BatchBuilder(1, null);
        Assert.True(b.Add(Rec("1", 1, 1, null, "c2")));
        Assert.False(b.Take(null, s_now)!.AdvanceCheckpoint);
        Assert.True(b.Add(Rec("2", 2, 1, "c2", "c3", endOfPage: true)));
        var batch = b.Take(null, s_now)!;
        Assert.True(batch.AdvanceCheckpoint);
        Assert.Equal("c3", batch.CheckpointPosition);

        Assert.Null(b.Take(null, s_now)); // nothing left, no candidate left
    }

    [Fact]
    public void Add_RecordsWithoutPage_NeverAdvance()
    {
        var b = new BatchBuilder(10, null);
        b.Add(Rec("1", 0, 0, null, null, endOfPage: true));
        b.Add(Rec("2", 0, 0, null, null));

        var batch = b.Take(null, s_now)!;

        Assert.False(batch.AdvanceCheckpoint);
        Assert.Equal(2, batch.Records.Count);
    }

    [Fact]
    public void Add_InvalidRecords_GoToDeadLetters()
    {
        var b = new BatchBuilder(10, null);
        b.Add(Rec("1", 1, 1, null, "c2"));
        b.Add(Rec("2", 1, 2, null, "c2", valid: false));
        b.Add(Rec("3", 1, 3, null, "c2", endOfPage: true));

        Assert.Equal(3, b.Count);
        var batch = b.Take(null, s_now)!;

        Assert.Equal(new[] { "1", "3" }, batch.Records.Select(r => r.ObjectId));
        Assert.Equal("2", Assert.Single(batch.DeadLetters).ObjectId);
        Assert.True(batch.AdvanceCheckpoint); // an invalid record still belongs to the page
    }

    [Fact]
    public void Add_InvalidRecordCountsTowardsBatchSize()
    {
        var b = new BatchBuilder(2, null);
        Assert.False(b.Add(Rec("1", 1, 1, null, "c2", valid: false)));
        Assert.True(b.Add(Rec("2", 1, 2, null, "c2", valid: false)));
    }

    [Fact]
    public void Take_SourceOverride_UsedForTheBatch()
    {
        var b = new BatchBuilder(10, "mirror");
        b.Add(Rec("1", 1, 1, null, "c2", source: "met"));
        Assert.False(b.NeedsFlushBefore(Rec("2", 1, 2, null, "c2", source: "rijks")));
        b.Add(Rec("2", 1, 2, null, "c2", source: "rijks"));

        Assert.Equal("mirror", b.Source);
        var batch = b.Take(null, s_now)!;
        Assert.Equal("mirror", batch.Source);
        Assert.Equal(2, batch.Records.Count);
    }

    [Fact]
    public void NeedsFlushBefore_SourceChange_True()
    {
        var b = new BatchBuilder(10, null);
        Assert.False(b.NeedsFlushBefore(Rec("1", 1, 1, null, "c2", source: "met"))); // empty batch
        b.Add(Rec("1", 1, 1, null, "c2", source: "met"));

        Assert.False(b.NeedsFlushBefore(Rec("2", 1, 2, null, "c2", source: "met")));
        Assert.True(b.NeedsFlushBefore(Rec("x", 1, 1, null, "r2", source: "rijks")));
        Assert.True(b.NeedsFlushBefore(Rec("x", 1, 1, null, "r2", source: "MET"))); // ordinal

        Assert.Equal("met", b.Take(null, s_now)!.Source);
        Assert.False(b.NeedsFlushBefore(Rec("x", 1, 1, null, "r2", source: "rijks")));
        b.Add(Rec("x", 1, 1, null, "r2", source: "rijks"));
        Assert.Equal("rijks", b.Source);
    }

    [Fact]
    public void Add_NewSourceAfterFlush_DoesNotInheritThePreviousSourcesPage()
    {
        var b = new BatchBuilder(10, null);
        b.Add(Rec("1", 3, 1, "met-c3", "met-c4", source: "met")); // met's page 3 cut short
        var rijks = Rec("r1", 1, 1, null, "rijks-c2", source: "rijks");
        Assert.True(b.NeedsFlushBefore(rijks));
        Assert.False(b.Take(null, s_now)!.AdvanceCheckpoint);

        b.Add(rijks);
        var batch = b.Take(null, s_now)!;

        Assert.Equal("rijks", batch.Source);
        // rijks' page 1 is not complete, and met's cursor must never become rijks' checkpoint.
        Assert.False(batch.AdvanceCheckpoint, $"checkpoint for rijks would be '{batch.CheckpointPosition}'");
    }
}
