using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using MuseumSync.Mapping;
using MuseumSync.Storage;

namespace MuseumSync.Core.Tests.Storage;

/// <summary>
/// The content hash is stored in every database; its value must not change between versions, or every row would be
/// rewritten (and reported updated) once after an upgrade. The reference below is the original piece-by-piece form.
/// </summary>
public sealed class RecordHashTests
{
    private static readonly DateTimeOffset s_t = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    private static byte[] Reference(MuseumRecord r)
    {
        var h = new XxHash128();
        void Append(string? s)
        {
            if (s is not null) h.Append(MemoryMarshal.AsBytes(s.AsSpan()));
            ReadOnlySpan<char> sep = [s is null ? '\0' : '\u001f'];
            h.Append(MemoryMarshal.AsBytes(sep));
        }
        Append(r.RawJson);
        Append(r.ObjectId);
        Append(r.AccessionNumber);
        Append(r.Title);
        Append(r.CreationDate);
        Append(r.RightsStatement);
        Span<int> numbers = [r.EmbargoDate?.DayNumber ?? -1, (int)r.AccessTier];
        h.Append(MemoryMarshal.AsBytes(numbers));
        Append(r.IiifManifestUrl);
        Append(r.MediaUrl);
        Span<int> assigned = [r.AssignedAccessTier is { } tier ? (int)tier : -1];
        h.Append(MemoryMarshal.AsBytes(assigned));
        Append(r.TierRule);
        if (r.CreationEndDate is not null) Append(r.CreationEndDate); // issue #17: only when there is one
        return h.GetCurrentHash();
    }

    public static TheoryData<string> Payloads => new()
    {
        """{"ObjectID":"1","title":"Plain"}""",
        """{"ObjectID":"2","title":"山水図 🎨 \"q\" \\ back","accession_number":"1871.0.11","creation_date_iso":"1850-01-01","rights_statement":"http://rightsstatements.org/vocab/InC/1.0/","embargo_date":"2030-01-01","access_tier":"research","iiif_manifest_url":"https://iiif.example/2/manifest","media_url":"https://media.example/2.jpg"}""",
        "{\"ObjectID\":\"3\",\"title\":\"" + new string('x', 9000) + "\"}",
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public void Content_FromBytesOrText_EqualsTheOriginalPieceByPieceHash(string json)
    {
        var factory = new RecordFactory(FieldMap.Generic);
        var fromBytes = factory.Create(Encoding.UTF8.GetBytes(json), new RecordOrigin("met", "c1", 1, 1, null, null, s_t), null, endOfPage: false);
        Assert.NotNull(fromBytes.RawJsonUtf8);
        var fromText = new MuseumRecord
        {
            Source = "met", ObjectId = fromBytes.ObjectId, AccessionNumber = fromBytes.AccessionNumber, Title = fromBytes.Title,
            CreationDate = fromBytes.CreationDate, RightsStatement = fromBytes.RightsStatement, EmbargoDate = fromBytes.EmbargoDate,
            AccessTier = fromBytes.AccessTier, IiifManifestUrl = fromBytes.IiifManifestUrl, MediaUrl = fromBytes.MediaUrl, RawJson = json,
        };

        Assert.Equal(Reference(fromBytes), RecordHash.Content(fromBytes));
        Assert.Equal(Reference(fromText), RecordHash.Content(fromText));
        Assert.Equal(RecordHash.Content(fromText), RecordHash.Content(fromBytes));
    }

    [Fact]
    public void Content_KeptOnTheRecord_FollowsTheComplianceDecision()
    {
        var r = new MuseumRecord { Source = "met", ObjectId = "1", Title = "t", RawJson = """{"ObjectID":"1"}""" };
        RecordHash.Prepare(r);
        var before = RecordHash.Content(r);
        Assert.Equal(Reference(r), before);

        // The two fields the compliance rules set after hashing invalidate the kept hash.
        r.AssignedAccessTier = AccessTier.Restricted;
        var afterTier = RecordHash.Content(r);
        Assert.NotEqual(before, afterTier);
        Assert.Equal(Reference(r), afterTier);

        r.TierRule = "embargo-active";
        Assert.Equal(Reference(r), RecordHash.Content(r));
        Assert.NotEqual(afterTier, RecordHash.Content(r));
    }

    [Fact]
    public void Payload_EqualsTheOriginalHashOfTheTextAndItsSeparator()
    {
        const string raw = "{\"ObjectID\": broken 山";
        var h = new XxHash128();
        h.Append(MemoryMarshal.AsBytes(raw.AsSpan()));
        h.Append(MemoryMarshal.AsBytes("\u001f".AsSpan()));
        Assert.Equal(h.GetCurrentHash(), RecordHash.Payload(raw));
        Assert.NotEqual(RecordHash.Payload(raw), RecordHash.Payload(raw + " "));
    }

    /// <summary>
    /// Issue #17's end date: a record without one hashes exactly as before the field existed (the value below is what the
    /// code before <see cref="MuseumRecord.CreationEndDate"/> computed for this record, so an upgrade rewrites no row),
    /// and a record with one hashes differently, so a changed end date is an update.
    /// </summary>
    [Fact]
    public void Content_WithoutAnEndDate_HashesAsBeforeTheFieldExisted_AndAnEndDateChangesIt()
    {
        var json = """{"objectID":321412,"objectBeginDate":-1400,"objectEndDate":-1300}""";
        MuseumRecord Met(string? end) => new()
        {
            Source = "met", ObjectId = "321412", AccessionNumber = "74.51.4312", Title = "Cylinder seal", CreationDate = "-1400",
            CreationEndDate = end, RightsStatement = "https://creativecommons.org/publicdomain/zero/1.0/", AccessTier = AccessTier.Public,
            MediaUrl = "https://images.metmuseum.org/CRDImages/an/original/ss74_51_4312.jpg", RawJson = json,
        };

        Assert.Equal("C85D1B373DD54AEBE7045FF9700C5283", Convert.ToHexString(RecordHash.Content(Met(null))));
        Assert.Equal(Reference(Met(null)), RecordHash.Content(Met(null)));

        var withEnd = RecordHash.Content(Met("-1300"));
        Assert.Equal(Reference(Met("-1300")), withEnd);
        Assert.NotEqual(RecordHash.Content(Met(null)), withEnd);
        Assert.NotEqual(withEnd, RecordHash.Content(Met("-1299")));
        Assert.NotEqual(RecordHash.Content(Met(null)), RecordHash.Content(Met(string.Empty)));
    }
}
