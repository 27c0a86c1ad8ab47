using System.Text;
using MuseumSync.Mapping;
using MuseumSync.Storage;
using MuseumSync.Storage.Sqlite;

namespace MuseumSync.Core.Tests.Storage.Sqlite;

public sealed class CompactRecordsTests
{
    private static readonly DateTimeOffset s_t = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    private static MuseumRecord Full(string id, string title = "山水図 🎨 \"q\"") => new()
    {
        Source = "met",
        ObjectId = id,
        AccessionNumber = "acc-" + id,
        Title = title,
        CreationDate = "1889-06-15",
        RightsStatement = "http://rightsstatements.org/vocab/InC/1.0/",
        EmbargoDate = new DateOnly(2030, 12, 31),
        AccessTier = AccessTier.Research,
        IiifManifestUrl = "https://iiif.example/" + id,
        MediaUrl = "https://media.example/" + id + ".jpg",
        RawJson = $$"""{"ObjectID":"{{id}}","title":"{{title.Replace("\"", "\\\"", StringComparison.Ordinal)}}"}""",
        Position = "cursor-7",
        SourceUrl = "http://127.0.0.1/objects?cursor=c7",
        CorrelationId = "0f8fad5b-d9cb-469f-a165-70867728950e",
        AssignedAccessTier = AccessTier.Restricted,
        TierRule = "embargo-active",
    };

    /// <summary>Row <paramref name="i"/> read back field by field (what the SQLite store binds).</summary>
    private static MuseumRecord Read(CompactRecords rows, int i)
    {
        string? S(CompactRecords.Field f) => rows.TryGet(i, f, out var utf8) ? Encoding.UTF8.GetString(utf8) : null;
        return new MuseumRecord
        {
            Source = "met",
            ObjectId = rows.ObjectId(i),
            AccessionNumber = S(CompactRecords.Field.AccessionNumber),
            Title = S(CompactRecords.Field.Title),
            CreationDate = S(CompactRecords.Field.CreationDate),
            RightsStatement = S(CompactRecords.Field.RightsStatement),
            EmbargoDate = rows.EmbargoDate(i),
            AccessTier = rows.AccessTier(i),
            IiifManifestUrl = S(CompactRecords.Field.IiifManifestUrl),
            MediaUrl = S(CompactRecords.Field.MediaUrl),
            RawJson = S(CompactRecords.Field.RawJson)!,
            Position = S(CompactRecords.Field.Position),
            SourceUrl = S(CompactRecords.Field.SourceUrl),
            CorrelationId = S(CompactRecords.Field.CorrelationId),
            AssignedAccessTier = rows.AssignedAccessTier(i),
            TierRule = S(CompactRecords.Field.TierRule),
        };
    }

    private static void AssertSameStoredFields(MuseumRecord expected, CompactRecords rows, int i)
    {
        var actual = Read(rows, i);
        Assert.Equal(expected.ObjectId, actual.ObjectId);
        Assert.Equal(expected.AccessionNumber, actual.AccessionNumber);
        Assert.Equal(expected.Title, actual.Title);
        Assert.Equal(expected.CreationDate, actual.CreationDate);
        Assert.Equal(expected.RightsStatement, actual.RightsStatement);
        Assert.Equal(expected.EmbargoDate, actual.EmbargoDate);
        Assert.Equal(expected.AccessTier, actual.AccessTier);
        Assert.Equal(expected.IiifManifestUrl, actual.IiifManifestUrl);
        Assert.Equal(expected.MediaUrl, actual.MediaUrl);
        Assert.Equal(expected.RawJson, actual.RawJson);
        Assert.Equal(expected.Position, actual.Position);
        Assert.Equal(expected.SourceUrl, actual.SourceUrl);
        Assert.Equal(expected.CorrelationId, actual.CorrelationId);
        Assert.Equal(expected.AssignedAccessTier, actual.AssignedAccessTier);
        Assert.Equal(expected.TierRule, actual.TierRule);
        Assert.Equal(RecordHash.Content(expected), RecordHash.Content(actual));
    }

    [Fact]
    public void Rows_KeepEveryStoredField_NullsEmptiesAndNonAscii()
    {
        var full = Full("1");
        var sparse = new MuseumRecord { Source = "met", ObjectId = "2", Title = "", RawJson = """{"ObjectID":"2","title":""}""", AccessionNumber = null };
        var fromBytes = new RecordFactory(FieldMap.Generic).Create(
            Encoding.UTF8.GetBytes("""{"ObjectID":"3","title":"Ἀθηνᾶ","access_tier":"public"}"""), new RecordOrigin("met", "c1", 1, 1, null, null, s_t), null, endOfPage: false);
        var rows = new CompactRecords();

        foreach (var r in new[] { full, sparse, fromBytes }) rows.Add(r);

        Assert.Equal(3, rows.Count);
        AssertSameStoredFields(full, rows, 0);
        AssertSameStoredFields(sparse, rows, 1);
        AssertSameStoredFields(fromBytes, rows, 2);
        Assert.True(rows.TryGet(1, CompactRecords.Field.Title, out var empty));
        Assert.Equal(0, empty.Length); // empty stays empty ...
        Assert.False(rows.TryGet(1, CompactRecords.Field.AccessionNumber, out _)); // ... and null stays null
        Assert.Equal(RecordHash.Content(full), rows.Hash(0).ToArray());
        Assert.Equal("1", rows.ObjectId(0));
        Assert.Equal(["1", "2", "3"], Enumerable.Range(0, rows.Count).Select(rows.ObjectId));
    }

    [Fact]
    public void Rows_SpanSeveralChunks_AndAPayloadLargerThanAChunk()
    {
        var rows = new CompactRecords(capacity: 4);
        var big = new string('x', 300_000);
        var records = Enumerable.Range(0, 700).Select(i => Full(i.ToString(System.Globalization.CultureInfo.InvariantCulture), i == 350 ? big : "t" + i)).ToList();

        foreach (var r in records) rows.Add(r);

        Assert.Equal(700, rows.Count);
        for (var i = 0; i < records.Count; i += 1) AssertSameStoredFields(records[i], rows, i);
    }

    [Fact]
    public void Release_GivesTheChunksBack_CountStays_RowsCannotBeRead()
    {
        var rows = new CompactRecords();
        rows.Add(Full("1"));

        rows.Release();
        rows.Release(); // twice is fine

        var count = rows.Count;
        Assert.Equal(1, count);
        Assert.Throws<ObjectDisposedException>(() => rows.TryGet(0, CompactRecords.Field.Title, out _));
        Assert.Throws<ObjectDisposedException>(() => rows.Add(Full("2")));
        Assert.Throws<ArgumentOutOfRangeException>(() => rows.ObjectId(1));
    }

    [Fact]
    public void Text_ReadInFieldOrder_GivesEachFieldAsTryGetDoes_AndRefusesAnotherOrder()
    {
        var rows = new CompactRecords();
        rows.Add(Full("1"));
        rows.Add(new MuseumRecord { Source = "met", ObjectId = "2", Title = string.Empty, RawJson = "{}" });

        for (var i = 0; i < rows.Count; i++)
        {
            var text = rows.Text(i);
            foreach (var field in Enum.GetValues<CompactRecords.Field>())
            {
                var has = text.Next(field, out var utf8);
                Assert.Equal(rows.TryGet(i, field, out var expected), has);
                Assert.Equal(expected.ToArray(), utf8.ToArray());
            }
        }
        Assert.Throws<InvalidOperationException>(() => rows.Text(0).Next(CompactRecords.Field.Title, out _));
    }
}
