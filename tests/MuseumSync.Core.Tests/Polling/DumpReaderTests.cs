using System.Text;
using MuseumSync.Polling;
using MuseumSync.Profiles;

namespace MuseumSync.Core.Tests.Polling;

/// <summary>-Path: local dumps read like an API, with resumable positions.</summary>
public sealed class DumpReaderTests : IDisposable
{
    private readonly string _dir = TestPaths.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<List<MuseumRecord>> ReadAsync(DumpRequest request)
    {
        var list = new List<MuseumRecord>();
        await foreach (var r in DumpReader.ReadAsync(request)) list.Add(r);
        return list;
    }

    private string Write(string name, string text)
    {
        var p = Path.Combine(_dir, name);
        File.WriteAllText(p, text, new UTF8Encoding(false));
        return p;
    }

    [Fact]
    public async Task NdjsonFile_PagesOfPageSizeWithResumablePositions()
    {
        var path = Write("dump.ndjson", string.Join("\n", Enumerable.Range(1, 5).Select(i => PollTestKit.Line(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))));

        var records = await ReadAsync(new DumpRequest { Path = path, Source = "d", PageSize = 2 });

        Assert.Equal(["1", "2", "3", "4", "5"], PollTestKit.Ids(records));
        Assert.Equal([null, null, "2", "2", "4"], records.Select(r => r.Position));
        Assert.Equal(["2", "2", "4", "4", "4"], records.Select(r => r.ResumePosition));
        Assert.Equal([false, true, false, true, true], records.Select(r => r.EndOfPage));
        Assert.True(records[^1].EndOfFeed);

        var resumed = await ReadAsync(new DumpRequest { Path = path, Source = "d", PageSize = 2, StartPosition = "4" });
        Assert.Equal(["5"], PollTestKit.Ids(resumed));
    }

    [Fact]
    public async Task JsonArrayFile_Streamed()
    {
        var path = Write("dump.json", "[" + PollTestKit.Line("a") + ",\n" + PollTestKit.Line("b") + "]");
        Assert.Equal(["a", "b"], PollTestKit.Ids(await ReadAsync(new DumpRequest { Path = path, Source = "d" })));
    }

    [Fact]
    public async Task ArtInstituteDumpDirectory_OneRecordPerFileWithTheProfileMap()
    {
        var dir = Path.Combine(TestPaths.SharedDirectory!, "fixtures", "api", "art-institute-of-chicago", "api-data");

        var records = await ReadAsync(new DumpRequest { Path = dir, Source = "aic", FieldMap = SourceProfiles.ArtInstituteOfChicago.FieldMap });

        var r = Assert.Single(records);
        Assert.True(r.IsValid, string.Join("; ", r.Issues));
        Assert.Equal("Priest and Boy", r.Title);
        Assert.True(r.EndOfFeed);
        Assert.StartsWith("file://", r.SourceUrl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CooperHewittDumpDirectory_PositionIsTheNextPagesFirstFile()
    {
        var dir = Path.Combine(TestPaths.SharedDirectory!, "fixtures", "api", "cooper-hewitt");

        var records = await ReadAsync(new DumpRequest { Path = dir, Source = "ch", PageSize = 1, FieldMap = SourceProfiles.CooperHewitt.FieldMap });

        Assert.Equal(["10000", "18704235"], PollTestKit.Ids(records));
        Assert.Equal("objects/18704235.json", records[0].ResumePosition);
        var resumed = await ReadAsync(new DumpRequest { Path = dir, Source = "ch", PageSize = 1, StartPosition = records[0].ResumePosition, FieldMap = SourceProfiles.CooperHewitt.FieldMap });
        Assert.Equal(["18704235"], PollTestKit.Ids(resumed));
    }

    [Fact]
    public async Task LidoWrapFile_EveryLidoRecordByItsRecId()
    {
        var path = Path.Combine(TestPaths.SharedDirectory!, "fixtures", "lido", "valid", "lido-examples", "kenom_oai_chunk20.xml");

        var records = await ReadAsync(new DumpRequest { Path = path, Source = "kenom", PageSize = 8 });

        Assert.Equal(20, records.Count);
        Assert.Equal("record_DE-68_kenom_123644", records[0].ObjectId);
        Assert.All(records, r => Assert.True(r.IsValid, string.Join("; ", r.Issues)));
        Assert.Equal(3, records.Count(r => r.EndOfPage));
    }
}
