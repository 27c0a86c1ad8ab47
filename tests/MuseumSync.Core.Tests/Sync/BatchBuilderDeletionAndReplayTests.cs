using MuseumSync.Sync;

namespace MuseumSync.Core.Tests.Sync;

public sealed class BatchBuilderDeletionAndReplayTests
{
    private static MuseumRecord Rec(string id, bool deleted = false, bool valid = true, long page = 1, bool end = false) => new()
    {
        Source = "s",
        ObjectId = id,
        Title = deleted ? null : "t",
        RawJson = "{\"ObjectID\":\"" + id + "\"}",
        IsDeleted = deleted,
        PageNumber = page,
        Issues = valid ? [] : [new ValidationIssue("title", "required", "missing")],
    };

    [Fact]
    public void Add_DeletedRecord_GoesToDeletionsNotDeadLetters()
    {
        var b = new BatchBuilder(10, null);
        b.Add(Rec("1"));
        b.Add(Rec("2", deleted: true, valid: false));

        var batch = b.Take(null, DateTimeOffset.UnixEpoch)!;

        Assert.Single(batch.Records);
        Assert.Empty(batch.DeadLetters);
        Assert.Equal("2", Assert.Single(batch.Deletions).ObjectId);
    }

    [Fact]
    public void Add_DeletionWithoutId_IsDeadLettered()
    {
        var b = new BatchBuilder(10, null);
        b.Add(new MuseumRecord { Source = "s", RawJson = "<header status=\"deleted\"/>", IsDeleted = true, Issues = [new ValidationIssue("identifier", "required", "missing")] });

        var batch = b.Take(null, DateTimeOffset.UnixEpoch)!;

        Assert.Empty(batch.Deletions);
        Assert.Single(batch.DeadLetters);
    }

    [Fact]
    public void Add_DeletedThenSentAgain_TheLaterRecordWins()
    {
        var b = new BatchBuilder(10, null);
        b.Add(Rec("1", deleted: true));
        b.Add(Rec("1"));

        var batch = b.Take(null, DateTimeOffset.UnixEpoch)!;

        Assert.Empty(batch.Deletions);
        Assert.Single(batch.Records);
    }

    [Fact]
    public void Add_Deletions_CountTowardsTheBatchSize()
    {
        var b = new BatchBuilder(2, null);
        Assert.False(b.Add(Rec("1", deleted: true)));
        Assert.True(b.Add(Rec("2", deleted: true)));
    }

    [Fact]
    public void AddReplay_ValidNow_ResolvesTheDeadLetter_InvalidStillDoesNot()
    {
        var b = new BatchBuilder(10, null);
        var fixedLetter = new DeadLetter { Source = "s", Payload = "{\"ObjectID\":\"1\",\"title\":\"t\"}" };
        var stillBad = new DeadLetter { Source = "s", Payload = "{\"ObjectID\":\"2\"}" };

        b.AddReplay(new DeadLetterReplay().Revalidate(fixedLetter), fixedLetter);
        b.AddReplay(new DeadLetterReplay().Revalidate(stillBad), stillBad);
        var batch = b.Take(null, DateTimeOffset.UnixEpoch)!;

        Assert.Equal("1", Assert.Single(batch.Records).ObjectId);
        Assert.Equal("2", Assert.Single(batch.DeadLetters).ObjectId);
        Assert.Equal(new MuseumSync.Storage.ResolvedDeadLetter("s", fixedLetter.Payload), Assert.Single(batch.ResolvedDeadLetters));
        Assert.False(batch.AdvanceCheckpoint); // a replay never moves the checkpoint
        Assert.Null(b.Take(null, DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void Revalidate_KeepsWhereTheDeadLetterCameFrom()
    {
        var letter = new DeadLetter { Source = "met", Payload = "{\"ObjectID\":\"5\",\"title\":\"Seal\"}", SourceUrl = "https://x/objects?cursor=c4", Position = "c4", CorrelationId = "corr-1", LastSeen = DateTimeOffset.UnixEpoch };

        var r = new DeadLetterReplay().Revalidate(letter);

        Assert.True(r.IsValid);
        Assert.Equal(("met", "5", "Seal", "c4", "corr-1", 0L), (r.Source, r.ObjectId, r.Title, r.Position, r.CorrelationId, r.PageNumber));
        Assert.Equal(letter.Payload, r.RawJson);
    }

    [Fact]
    public void Revalidate_WithAProfilesMap_UsesItsFieldNames()
    {
        var letter = new DeadLetter { Source = "met", Payload = "{\"objectID\":321412,\"title\":\"Cylinder seal\"}" };

        Assert.False(new DeadLetterReplay().Revalidate(letter).IsValid); // the generic map wants ObjectID
        var r = new DeadLetterReplay(MuseumSync.Profiles.SourceProfiles.Met.FieldMap).Revalidate(letter);

        Assert.True(r.IsValid, string.Join("; ", r.Issues));
        Assert.Equal("321412", r.ObjectId);
    }
}
