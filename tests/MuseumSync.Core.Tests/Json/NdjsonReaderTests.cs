using System.Text;
using MuseumSync.Json;

namespace MuseumSync.Core.Tests.Json;

public class NdjsonReaderTests
{
    /// <summary>Returns the bytes a few at a time (1 to <paramref name="maxChunk"/> per read), as a slow network would.</summary>
    private sealed class TrickleStream(byte[] data, int maxChunk = 7, int seed = 1) : Stream
    {
        private readonly Random _random = new(seed);
        private int _position;

        public int Reads { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            Reads++;
#pragma warning disable CA5394 // test data, not security
            var n = Math.Min(Math.Min(buffer.Length, _random.Next(1, maxChunk + 1)), data.Length - _position);
#pragma warning restore CA5394
            data.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(Read(buffer.Span));
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    private static async Task<List<(int Line, string Text)>> ReadAllAsync(Stream stream, int initialBufferBytes = 64 * 1024, int maxLineBytes = 64 * 1024 * 1024)
    {
        using var reader = new NdjsonReader(stream, initialBufferBytes, maxLineBytes);
        var lines = new List<(int, string)>();
        while (await reader.ReadLineAsync(CancellationToken.None))
        {
            lines.Add((reader.LineNumber, Encoding.UTF8.GetString(reader.Current)));
        }
        return lines;
    }

    private static Task<List<(int Line, string Text)>> ReadAllAsync(string text, int maxChunk = 7, int initialBufferBytes = 64 * 1024)
        => ReadAllAsync(new TrickleStream(Encoding.UTF8.GetBytes(text), maxChunk), initialBufferBytes);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public async Task ReadLineAsync_TinyReadChunks_ReturnsWholeLines(int maxChunk)
    {
        var lines = await ReadAllAsync("{\"a\":1}\n{\"b\":22}\n{\"c\":333}\n", maxChunk);

        Assert.Equal(new[] { "{\"a\":1}", "{\"b\":22}", "{\"c\":333}" }, lines.Select(l => l.Text));
        Assert.Equal(new[] { 1, 2, 3 }, lines.Select(l => l.Line));
    }

    [Fact]
    public async Task ReadLineAsync_Crlf_TerminatorRemoved()
    {
        var lines = await ReadAllAsync("{\"a\":1}\r\n{\"b\":2}\r\n");
        Assert.Equal(new[] { "{\"a\":1}", "{\"b\":2}" }, lines.Select(l => l.Text));
    }

    [Fact]
    public async Task ReadLineAsync_BlankLines_SkippedAndNotCounted()
    {
        var lines = await ReadAllAsync("\n{\"a\":1}\n\n  \t\r\n\r\n{\"b\":2}\n\n");

        Assert.Equal(new[] { "{\"a\":1}", "{\"b\":2}" }, lines.Select(l => l.Text));
        Assert.Equal(new[] { 1, 2 }, lines.Select(l => l.Line));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public async Task ReadLineAsync_Utf8Bom_Stripped(int maxChunk)
    {
        byte[] data = [0xEF, 0xBB, 0xBF, .. "{\"a\":1}\n{\"b\":2}\n"u8];
        var lines = await ReadAllAsync(new TrickleStream(data, maxChunk));
        Assert.Equal(new[] { "{\"a\":1}", "{\"b\":2}" }, lines.Select(l => l.Text));
    }

    [Fact]
    public async Task ReadLineAsync_BomOnItsOwnLine_SkippedAsBlank()
    {
        byte[] data = [0xEF, 0xBB, 0xBF, .. "\r\n{\"a\":1}\n"u8];
        var lines = await ReadAllAsync(new TrickleStream(data));
        var only = Assert.Single(lines);
        Assert.Equal((1, "{\"a\":1}"), only);
    }

    [Fact]
    public async Task ReadLineAsync_BomBytesOnALaterLine_Kept()
    {
        byte[] data = [.. "{\"a\":1}\n"u8, 0xEF, 0xBB, 0xBF, .. "{\"b\":2}\n"u8];
        using var reader = new NdjsonReader(new MemoryStream(data));
        Assert.True(await reader.ReadLineAsync(CancellationToken.None));
        Assert.True(await reader.ReadLineAsync(CancellationToken.None));
        Assert.Equal(3 + 7, reader.Current.Length);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public async Task ReadLineAsync_LastLineWithoutNewline_Returned(int maxChunk)
    {
        var lines = await ReadAllAsync("{\"a\":1}\n{\"b\":2}", maxChunk);
        Assert.Equal(new[] { "{\"a\":1}", "{\"b\":2}" }, lines.Select(l => l.Text));
    }

    [Fact]
    public async Task ReadLineAsync_LastLineWithoutNewlineEndingInCr_CrRemoved()
    {
        var lines = await ReadAllAsync("{\"a\":1}\r");
        Assert.Equal("{\"a\":1}", Assert.Single(lines).Text);
    }

    [Fact]
    public async Task ReadLineAsync_EmptyStream_ReturnsFalse()
    {
        using var reader = new NdjsonReader(new MemoryStream());
        Assert.False(await reader.ReadLineAsync(CancellationToken.None));
        Assert.Equal(0, reader.LineNumber);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ReadLineAsync_MultiByteUtf8SplitAcrossChunks_Intact(int maxChunk)
    {
        const string a = "{\"title\":\"Café — 北斎 🎨\"}";
        const string b = "{\"title\":\"Ελληνικά\"}";
        var lines = await ReadAllAsync(a + "\n" + b + "\n", maxChunk);
        Assert.Equal(new[] { a, b }, lines.Select(l => l.Text));
    }

    [Fact]
    public async Task ReadLineAsync_LineLongerThanInitialBuffer_BufferGrows()
    {
        var longLine = "{\"t\":\"" + new string('x', 1000) + "\"}";
        var text = "{\"a\":1}\n" + longLine + "\n{\"b\":2}\n";

        var lines = await ReadAllAsync(new TrickleStream(Encoding.UTF8.GetBytes(text), maxChunk: 64), initialBufferBytes: 16, maxLineBytes: 4096);

        Assert.Equal(new[] { "{\"a\":1}", longLine, "{\"b\":2}" }, lines.Select(l => l.Text));
        Assert.Equal(new[] { 1, 2, 3 }, lines.Select(l => l.Line));
    }

    [Fact]
    public async Task ReadLineAsync_LineLongerThanMaxLineBytes_ThrowsInvalidData()
    {
        var text = "{\"a\":1}\n{\"t\":\"" + new string('x', 500) + "\"}\n";
        using var reader = new NdjsonReader(new MemoryStream(Encoding.UTF8.GetBytes(text)), initialBufferBytes: 16, maxLineBytes: 128);

        Assert.True(await reader.ReadLineAsync(CancellationToken.None));
        Assert.Equal(1, reader.LineNumber);
        var ex = await Assert.ThrowsAsync<InvalidDataException>(async () => await reader.ReadLineAsync(CancellationToken.None));
        Assert.Contains("newline-delimited JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadLineAsync_Counts_BytesReadAndLineNumber()
    {
        var data = Encoding.UTF8.GetBytes("{\"a\":1}\n\n{\"b\":2}\n");
        using var reader = new NdjsonReader(new TrickleStream(data, 3));
        var numbers = new List<int>();
        while (await reader.ReadLineAsync(CancellationToken.None)) numbers.Add(reader.LineNumber);

        Assert.Equal(new[] { 1, 2 }, numbers);
        Assert.Equal(data.Length, reader.BytesRead);
    }

    [Fact]
    public async Task ReadLineAsync_CancelledToken_Throws()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        using var reader = new NdjsonReader(new TrickleStream("{\"a\":1}\n"u8.ToArray()));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadLineAsync(cts.Token));
    }
}
