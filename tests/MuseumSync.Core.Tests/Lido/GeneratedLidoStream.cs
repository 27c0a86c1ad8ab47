using System.Text;

namespace MuseumSync.Core.Tests.Lido;

/// <summary>A lidoWrap of <c>records</c> LIDO records produced on the fly: gigabytes of valid LIDO without a file or a buffer.</summary>
internal sealed class GeneratedLidoStream : Stream
{
    private static readonly byte[] s_head = Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<lido:lidoWrap xmlns:lido=\"http://www.lido-schema.org\">\n");
    private static readonly byte[] s_tail = Encoding.UTF8.GetBytes("</lido:lidoWrap>\n");
    private readonly long _records;
    private readonly Func<long, string> _record;
    private long _next;
    private byte[] _current = s_head;
    private int _offset;
    private bool _tailSent;

    public GeneratedLidoStream(long records, Func<long, string> record)
    {
        _records = records;
        _record = record;
    }

    public long BytesProduced { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_offset == _current.Length)
        {
            if (_next < _records) _current = Encoding.UTF8.GetBytes(_record(_next++));
            else if (!_tailSent)
            {
                _current = s_tail;
                _tailSent = true;
            }
            else return 0;
            _offset = 0;
        }
        var n = Math.Min(buffer.Length, _current.Length - _offset);
        _current.AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        BytesProduced += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>One record of the stream: the test record with its own id, without the XML declaration and namespace declaration.</summary>
    public static string Record(long i)
    {
        var doc = LidoTestData.Record($"GEN/{i}");
        var start = doc.IndexOf("<lido:lido ", StringComparison.Ordinal);
        return doc[start..].Replace(" xmlns:lido=\"http://www.lido-schema.org\"", string.Empty, StringComparison.Ordinal) + "\n";
    }
}
