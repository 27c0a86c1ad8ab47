using MuseumSync.Storage;

namespace MuseumSync.Core.Tests.Storage;

public sealed class StorableRecordTests
{
    private static MuseumRecord Valid(string id, string title = "Seal") => new() { Source = "met", ObjectId = id, Title = title, RawJson = "{}", Position = "c1", PageNumber = 3, ResumePosition = "c2", EndOfPage = true };

    [Fact]
    public void Check_PlainRecord_ReturnedAsItIs()
    {
        var r = Valid("1");

        Assert.Same(r, StorableRecord.Check(r));
    }

    [Fact]
    public void Check_NulInTitle_DeadLetterNamingTheFieldKeepsThePagePlace()
    {
        var dead = StorableRecord.Check(Valid("1", "a\0b"));

        Assert.False(dead.IsValid);
        Assert.Equal(("title", StorableRecord.NulRule), (Assert.Single(dead.Issues).Field, dead.Issues[0].Rule));
        Assert.Equal((3L, "c2", true), (dead.PageNumber, dead.ResumePosition, dead.EndOfPage)); // the checkpoint still moves past its page
    }

    [Fact]
    public void DeadLetterObjectId_IdOfNulsOnly_FitsTheLimit()
    {
        var id = new string('\0', StorableRecord.MaxObjectIdLength);

        var stored = StorableRecord.DeadLetterObjectId(id)!;

        Assert.True(stored.Length <= StorableRecord.MaxObjectIdLength);
        Assert.DoesNotContain('\0', stored);
        Assert.StartsWith("\\u0000\\u0000", stored, StringComparison.Ordinal);
    }

    [Fact]
    public void DeadLetterObjectId_CutInsideASurrogatePair_PairNotSplit()
    {
        var id = new string('a', StorableRecord.KeptIdPrefix - 1) + "🎨" + new string('b', 500);

        var stored = StorableRecord.DeadLetterObjectId(id)!;

        Assert.Equal(new string('a', StorableRecord.KeptIdPrefix - 1) + "…sha256:", stored[..(StorableRecord.KeptIdPrefix + 7)]);
    }

    [Fact]
    public void Check_DeletionWithAnOverLongId_DeadLetterNotADeletion()
    {
        var deletion = new MuseumRecord { Source = "met", ObjectId = new string('d', 400), RawJson = "<header/>", IsDeleted = true };

        var dead = StorableRecord.Check(deletion);

        Assert.False(dead.IsDeleted);
        Assert.False(dead.IsValid);
        Assert.Equal(StorableRecord.IdLengthRule, Assert.Single(dead.Issues).Rule);
        Assert.Contains("400 characters", dead.Issues[0].Message, StringComparison.Ordinal);
    }
}
