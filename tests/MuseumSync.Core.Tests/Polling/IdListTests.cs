using MuseumSync.Polling;
using MuseumSync.Profiles;

namespace MuseumSync.Core.Tests.Polling;

/// <summary>
/// Issue #17: the Met's department file (fixtures/api/met-collection-api/department3.json, a real answer of
/// GET /objects?departmentIds=3: {"total":6222,"objectIDs":[…]}) given to a read that expects objects gave 6,222
/// "expected a JSON object but found a number" dead letters. The read stops at the first id and names the fan-out.
/// </summary>
public sealed class IdListTests
{
    private static string Fixture(params string[] parts) => Path.Combine([TestPaths.SharedDirectory!, "fixtures", "api", .. parts]);

    [Fact]
    public async Task Poll_MetDepartmentFileWithoutFanOut_StopsAtTheFirstIdAndNamesItemUri()
    {
        var body = await File.ReadAllTextAsync(Fixture("met-collection-api", "department3.json"));
        var requests = 0;
        await using var server = await TestApiServer.StartAsync((ctx, _) =>
        {
            Interlocked.Increment(ref requests);
            return PollTestKit.WriteJsonAsync(ctx, body);
        });
        using var http = PollTestKit.Client();
        var met = SourceProfiles.Met;
        var request = new PollRequest
        {
            Uri = server.Url("public/collection/v1/objects?departmentIds=3"), Source = "met", ItemsPath = met.ItemsPath, FieldMap = met.FieldMap,
            LimitParameter = met.LimitParameter, MaxPages = 3, Resilience = PollTestKit.FastResilience(),
        };
        var yielded = new List<MuseumRecord>();

        var ex = await Assert.ThrowsAsync<MuseumPollException>(async () =>
        {
            await foreach (var r in PollTestKit.Poller(http, new InstantTime()).PollAsync(request)) yielded.Add(r);
        });

        Assert.Empty(yielded);
        Assert.Equal(1, requests);
        Assert.Equal("MuseumPollIdList", ex.ErrorId);
        Assert.False(ex.IsTransient);
        Assert.Contains("this is an ID list", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-ItemUri", ex.Message, StringComparison.Ordinal);
        Assert.Contains("departmentIds=3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dump_BareArrayOfNumbers_StopsWithTheFanOutAdvice()
    {
        var dir = TestPaths.TempDirectory();
        try
        {
            var path = Path.Combine(dir, "ids.json");
            await File.WriteAllTextAsync(path, "[436524, 436525, 436526]");
            var yielded = new List<MuseumRecord>();

            var ex = await Assert.ThrowsAsync<MuseumPollException>(async () =>
            {
                await foreach (var r in DumpReader.ReadAsync(new DumpRequest { Path = path, Source = "met", FieldMap = SourceProfiles.Met.FieldMap })) yielded.Add(r);
            });

            Assert.Empty(yielded);
            Assert.Equal("MuseumPollIdList", ex.ErrorId);
            Assert.Contains("436524", ex.Message, StringComparison.Ordinal);
            Assert.Contains("-ItemUri", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Dump_ObjectsWithALaterBadNumber_AreStillRead()
    {
        var dir = TestPaths.TempDirectory();
        try
        {
            var path = Path.Combine(dir, "records.json");
            await File.WriteAllTextAsync(path, """[{"ObjectID":"1","title":"A"}, 7]""");
            var records = new List<MuseumRecord>();
            await foreach (var r in DumpReader.ReadAsync(new DumpRequest { Path = path, Source = "d" })) records.Add(r);

            Assert.Equal(2, records.Count);
            Assert.True(records[0].IsValid);
            Assert.False(records[1].IsValid); // one stray number among records stays one dead letter
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
