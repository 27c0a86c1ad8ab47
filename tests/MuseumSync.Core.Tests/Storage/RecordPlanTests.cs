using MuseumSync.Storage;

namespace MuseumSync.Core.Tests.Storage;

public sealed class RecordPlanTests
{
    private static MuseumRecord Rec(string id, string title) => new() { Source = "s", ObjectId = id, Title = title, RawJson = "{}" };

    private static byte[] Hash(string id, string title) => RecordHash.Content(Rec(id, title));

    [Fact]
    public void Create_NoRepeats_OneRowPerRecordNothingForced()
    {
        var plan = RecordPlan.Create([Rec("1", "a"), Rec("2", "b")], CancellationToken.None);

        Assert.Equal(2, plan.Rows.Count);
        Assert.Equal(0, plan.DuplicateKeys);
        Assert.All(plan.Rows, r => Assert.Null(r.FirstHash));
        Assert.All(plan.Rows, r => Assert.False(r.ForceWrite));
        Assert.Equal((1, 1, 0), plan.Count(upsertInserted: 1, upsertUpdated: 1, new Dictionary<string, byte[]>()));
    }

    [Fact]
    public void Create_RepeatWithChange_LastVersionForcedAndTransitionCounted()
    {
        var plan = RecordPlan.Create([Rec("1", "a"), Rec("1", "b")], CancellationToken.None);

        var row = Assert.Single(plan.Rows);
        Assert.Equal("b", row.Record.Title);
        Assert.True(row.ForceWrite);
        Assert.Equal(Hash("1", "a"), row.FirstHash);
        Assert.Equal(Hash("1", "b"), row.Hash);
        Assert.Equal(1, plan.TransitionsUpdated);
        // Not stored before: the upsert inserts it; the repeat counts as updated.
        Assert.Equal((1, 1, 0), plan.Count(1, 0, new Dictionary<string, byte[]>()));
    }

    [Fact]
    public void Create_RepeatWithoutChange_FirstOccurrenceWrittenNotForced()
    {
        var first = Rec("1", "a");
        var plan = RecordPlan.Create([first, Rec("1", "a")], CancellationToken.None);

        var row = Assert.Single(plan.Rows);
        Assert.Same(first, row.Record);
        Assert.False(row.ForceWrite);
        Assert.Equal(1, plan.TransitionsUnchanged);
        // Stored with the same content: nothing written, both unchanged.
        Assert.Equal((0, 0, 2), plan.Count(0, 0, new Dictionary<string, byte[]> { ["1"] = Hash("1", "a") }));
    }

    [Fact]
    public void Count_ChangeThenBackToStored_TwoUpdatesLikeRowByRow()
    {
        var plan = RecordPlan.Create([Rec("1", "x"), Rec("1", "a")], CancellationToken.None);

        // Stored "a": forced write (the upsert reports an update), the first occurrence differed, the repeat differed.
        Assert.Equal((0, 2, 0), plan.Count(0, 1, new Dictionary<string, byte[]> { ["1"] = Hash("1", "a") }));
    }

    [Fact]
    public void Count_UpsertCountsThatCannotBe_Throws()
    {
        var plan = RecordPlan.Create([Rec("1", "a")], CancellationToken.None);

        Assert.Throws<InvalidOperationException>(() => plan.Count(2, 0, new Dictionary<string, byte[]>()));
    }

    [Fact]
    public void DeadLetterPlan_SamePayloadThrice_OneRowThreeOccurrences()
    {
        var bad = new MuseumRecord { Source = "s", RawJson = "{x", Issues = [new ValidationIssue("(record)", "json", "bad")] };

        var plan = DeadLetterPlan.Create([bad, bad, new MuseumRecord { Source = "s", RawJson = "{x", Issues = bad.Issues }]);

        var row = Assert.Single(plan.Rows);
        Assert.Equal(3, row.Occurrences);
        Assert.Equal((1, 2), plan.Count(inserted: 1));
        Assert.Equal((0, 3), plan.Count(inserted: 0));
    }
}
