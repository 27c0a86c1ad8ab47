using System.Text;
using System.Text.Json;
using MuseumSync.Json;

namespace MuseumSync.Core.Tests.Json;

public class JsonStreamReaderTests
{
    /// <summary>Hands out one byte per read: every token and every element crosses buffer refills.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }

    [Fact]
    public async Task JsonArrayItems_OneBytePerRead_EveryElementWhole()
    {
        var json = """[{"a":"x\"y","b":[1,{"c":null}]}, "a \u00e9 string", 42, {"d":"\ud83d\ude00"}]""";
        using var items = new JsonArrayItems(new TrickleStream(Encoding.UTF8.GetBytes(json)));
        var got = new List<string>();
        while (await items.ReadAsync(default)) got.Add(Encoding.UTF8.GetString(items.Current));
        Assert.Equal(["""{"a":"x\"y","b":[1,{"c":null}]}""", "a é string", "42", """{"d":"\ud83d\ude00"}"""], got);
    }

    [Fact]
    public async Task JsonPageScan_PaginationAfterData_FoundWithOffsetsAndCounts()
    {
        var json = """{"data":[{"id":1},{"id":2},{"id":3}],"pagination":{"next_url":"https://x/?page=2","total":9},"info":{"license_links":["a","b"]}}""";
        var watched = new[] { JsonPath.Parse("pagination.next_url"), JsonPath.Parse("pagination.total") };
        var scan = await JsonPageScan.ScanAsync(new TrickleStream(Encoding.UTF8.GetBytes(json)), null, watched, default);
        Assert.Equal("data", scan.ItemsPath);
        Assert.Equal(3, scan.ItemCount);
        Assert.Equal(8, scan.ItemsOffset);
        Assert.Equal(new string?[] { "https://x/?page=2", "9" }, scan.Values);
        Assert.False(scan.HasTrailingContent);
    }

    [Fact]
    public async Task JsonPageScan_TwoDocuments_IsNdjson()
    {
        var scan = await JsonPageScan.ScanAsync(new MemoryStream(Encoding.UTF8.GetBytes("{\"a\":1}\n{\"a\":2}\n")), null, [], default);
        Assert.True(scan.HasTrailingContent);
    }

    [Fact]
    public async Task JsonStreamReader_Truncated_Throws()
    {
        using var items = new JsonArrayItems(new MemoryStream(Encoding.UTF8.GetBytes("[{\"a\":1},{\"a\":")));
        Assert.True(await items.ReadAsync(default));
        await Assert.ThrowsAnyAsync<JsonException>(async () => await items.ReadAsync(default));
    }

    [Fact]
    public async Task JsonStreamReader_BufferGrowsToTheLargestElement_OffsetsStayRight_AndAnElementBeyondTheLimitThrows()
    {
        // A 16-byte first buffer, refilled one byte at a time: it is compacted and doubled (16, 32, 64, 128 bytes) on the way.
        var exact = "\"" + new string('x', 62) + "\""; // 64 bytes: exactly the largest element read
        var json = "[1, " + exact + ", 2]";
        using (var reader = new JsonStreamReader(new TrickleStream(Encoding.UTF8.GetBytes(json)), initialBufferBytes: 16, maxElementBytes: 64))
        {
            var tokens = new List<(JsonTokenType Type, long Offset, string Raw)>();
            while (await reader.ReadAsync(default)) tokens.Add((reader.TokenType, reader.TokenOffset, Encoding.UTF8.GetString(reader.Raw)));

            var text = Assert.Single(tokens, t => t.Type == JsonTokenType.String);
            Assert.Equal((json.IndexOf(exact, StringComparison.Ordinal), exact), (text.Offset, text.Raw));
            Assert.Equal(json.LastIndexOf('2'), tokens.Single(t => t.Raw == "2").Offset);
        }

        // The buffer stops growing once it holds more than the limit (128 bytes here): an element that fills it is refused.
        var tooLarge = "[1, \"" + new string('x', 200) + "\"]";
        using var small = new JsonStreamReader(new TrickleStream(Encoding.UTF8.GetBytes(tooLarge)), initialBufferBytes: 16, maxElementBytes: 64);
        var ex = await Assert.ThrowsAsync<InvalidDataException>(async () => { while (await small.ReadAsync(default)) { } });
        Assert.Contains("larger than", ex.Message, StringComparison.Ordinal);
        Assert.Contains("(at byte ", ex.Message, StringComparison.Ordinal);
    }
}
