using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using MuseumSync.Polling;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Polling;

/// <summary>
/// A record larger than MaxRecordBytes is read past without being held, and becomes a dead letter with its first bytes
/// and its true size; the records around it are read as usual.
/// </summary>
public sealed class OversizeRecordTests : IDisposable
{
    private const int Cap = 100 * 1024;
    private readonly HttpClient _http = Client();

    public void Dispose() => _http.Dispose();

    /// <summary>A record of about <paramref name="bytes"/> bytes whose one long field has escaped quotes, braces and brackets in it.</summary>
    private static string Huge(string id, int bytes)
    {
        var sb = new StringBuilder(bytes + 100);
        sb.Append("{\"ObjectID\":\"").Append(id).Append("\",\"title\":\"Huge\",\"notes\":[");
        var piece = "\"a \\\"quoted\\\" {brace} and [bracket] \\\\\",";
        while (sb.Length < bytes) sb.Append(piece);
        sb.Append("\"end\"],\"tail\":{\"x\":[1,2,{\"y\":\"}\"}]}}");
        return sb.ToString();
    }

    private static PollRequest Request(Uri uri) => new()
    {
        Uri = uri,
        Source = "big",
        Resilience = FastResilience(),
        Limits = new PageLimitOptions { MaxRecordBytes = Cap },
    };

    private static async Task ServeAsync(HttpContext ctx, string contentType, string body)
    {
        ctx.Response.ContentType = contentType;
        var bytes = Encoding.UTF8.GetBytes(body);
        // In chunks, so the reader sees the huge record arrive over many reads.
        for (var i = 0; i < bytes.Length; i += 16 * 1024)
        {
            await ctx.Response.Body.WriteAsync(bytes.AsMemory(i, Math.Min(16 * 1024, bytes.Length - i)), ctx.RequestAborted);
        }
    }

    private static void AssertOversizeDeadLetter(MuseumRecord r, string huge, string url)
    {
        Assert.False(r.IsValid);
        Assert.Equal("big-1", r.ObjectId); // named in the first bytes
        var issue = Assert.Single(r.Issues);
        Assert.Equal("record-size", issue.Rule);
        Assert.Contains("-MaxRecordBytes", issue.Message, StringComparison.Ordinal);
        Assert.Contains(url, issue.Message, StringComparison.Ordinal);
        using var payload = JsonDocument.Parse(r.RawJson);
        Assert.Equal("record too large", payload.RootElement.GetProperty("museumsync_error").GetString());
        Assert.Equal(Encoding.UTF8.GetByteCount(huge), payload.RootElement.GetProperty("bytes").GetInt64()); // the true size
        Assert.Equal(Cap, payload.RootElement.GetProperty("max_record_bytes").GetInt32());
        var prefix = payload.RootElement.GetProperty("prefix").GetString()!;
        Assert.Equal(PageLimitOptions.RecordPrefixBytes, prefix.Length);
        Assert.StartsWith(prefix, huge, StringComparison.Ordinal);
        Assert.True(r.RawJson.Length < 2 * PageLimitOptions.RecordPrefixBytes, "the payload holds the start, not the record");
    }

    [Theory]
    [InlineData("ndjson")]
    [InlineData("array")]
    [InlineData("envelope")]
    public async Task PollAsync_RecordOverTheCap_DeadLetteredWithItsStartAndTrueSizeAndTheOthersRead(string shape)
    {
        var huge = Huge("big-1", 3 * 1024 * 1024);
        var small = new[] { Line("a"), huge, Line("b"), Line("c") };
        var (contentType, body) = shape switch
        {
            "ndjson" => ("application/x-ndjson", string.Join("\n", small) + "\n"),
            "array" => ("application/json", "[" + string.Join(",\n  ", small) + "]"),
            _ => ("application/json", "{\"data\": [" + string.Join(", ", small) + "], \"pagination\": {\"next_cursor\": null, \"total\": 4}}"),
        };
        await using var server = await TestApiServer.StartAsync((ctx, _) => ServeAsync(ctx, contentType, body));

        var records = await PollAllAsync(Poller(_http, new InstantTime()), Request(server.Url("objects")));

        Assert.Equal(["a", "big-1", "b", "c"], Ids(records));
        Assert.True(records[0].IsValid && records[2].IsValid && records[3].IsValid);
        AssertOversizeDeadLetter(records[1], huge, server.BaseUri.Authority);
        Assert.Equal(2, records[1].LineNumber);
        Assert.True(records[3].EndOfPage && records[3].EndOfFeed);
    }

    [Fact]
    public async Task PollAsync_OversizeRecordLastOnThePage_KeepsItsDeadLetterWhenTheResumePositionIsSetAfterThePage()
    {
        var huge = Huge("big-1", 300 * 1024);
        await using var server = await TestApiServer.StartAsync((ctx, _) => ServeAsync(ctx, "application/x-ndjson", Line("a") + "\n" + huge + "\n"));

        var records = await PollAllAsync(Poller(_http, new InstantTime()), Request(server.Url("objects")));

        Assert.Equal(2, records.Count);
        Assert.True(records[1].EndOfPage);
        AssertOversizeDeadLetter(records[1], huge, server.BaseUri.Authority);
    }

    [Fact]
    public async Task PollAsync_RecordOfExactlyTheCap_IsRead()
    {
        var exact = Huge("fits", Cap - 200);
        exact = exact.Insert(exact.Length - 1, ",\"pad\":\"" + new string('p', Cap - Encoding.UTF8.GetByteCount(exact) - 9) + "\"");
        Assert.Equal(Cap, Encoding.UTF8.GetByteCount(exact));
        await using var server = await TestApiServer.StartAsync((ctx, _) => ServeAsync(ctx, "application/json", "[" + exact + "," + exact + "]"));

        var records = await PollAllAsync(Poller(_http, new InstantTime()), Request(server.Url("objects")));

        Assert.Equal(["fits", "fits"], Ids(records));
        Assert.All(records, r => Assert.True(r.IsValid, string.Join("; ", r.Issues.Select(i => i.Message))));
    }
}
