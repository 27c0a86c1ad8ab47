using System.Buffers;

namespace MuseumSync.Json;

/// <summary>
/// Holds one response body that must be read twice: JSON envelopes whose next cursor or total may come after the
/// records, and OAI-PMH pages whose <c>resumptionToken</c> comes last. Small bodies stay in one pooled buffer; from
/// <see cref="MemoryLimit"/> on, the body goes to a temporary file that is deleted on dispose, so memory stays flat
/// whatever the page size. Nothing of the page is handed out before it has arrived whole, so a body that breaks off
/// leaves nothing half-read.
/// </summary>
internal sealed class PageSpool : IDisposable
{
    private byte[]? _buffer;
    private FileStream? _file;

    private readonly string _directory;

    private PageSpool(int memoryLimit, string directory)
    {
        MemoryLimit = memoryLimit;
        _directory = directory;
    }

    /// <summary>The largest body kept in memory.</summary>
    public int MemoryLimit { get; }

    /// <summary>The body's length in bytes.</summary>
    public long Length { get; private set; }

    /// <summary>True when the body went to a temporary file.</summary>
    public bool OnDisk => _file is not null;

    /// <summary>Reads <paramref name="body"/> to its end; a large body goes to a file in <paramref name="directory"/> (null: the temporary folder).</summary>
    public static async Task<PageSpool> FillAsync(Stream body, int memoryLimit, CancellationToken cancellationToken, string? directory = null)
    {
        var spool = new PageSpool(memoryLimit, directory ?? Path.GetTempPath());
        try
        {
            await spool.CopyAsync(body, cancellationToken).ConfigureAwait(false);
            return spool;
        }
        catch
        {
            spool.Dispose();
            throw;
        }
    }

    /// <summary>A new read-only stream over the whole body (each call starts at byte 0).</summary>
    public Stream OpenRead() =>
        _file is not null ? OpenFileView() : new MemoryStream(_buffer ?? Array.Empty<byte>(), 0, (int)Length, writable: false);

    private Stream OpenFileView()
    {
        // A separate handle per reader, so two passes never share a position.
        return new FileStream(_file!.Name, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete, BufferSize = 64 * 1024 });
    }

    /// <summary>The first bytes of the body (up to <paramref name="max"/>), for error messages and format sniffing.</summary>
    public byte[] Head(int max)
    {
        using var s = OpenRead();
        var n = (int)Math.Min(max, Length);
        var head = new byte[n];
        s.ReadExactly(head);
        return head;
    }

    private async Task CopyAsync(Stream body, CancellationToken cancellationToken)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(64 * 1024, MemoryLimit));
        while (true)
        {
            if (_file is null && Length == _buffer.Length)
            {
                if (_buffer.Length >= MemoryLimit)
                {
                    var path = Path.Combine(_directory, "museumsync-page-" + Guid.NewGuid().ToString("N") + ".tmp");
                    _file = new FileStream(path, new FileStreamOptions
                    {
                        Mode = FileMode.CreateNew,
                        Access = FileAccess.ReadWrite,
                        Share = FileShare.Read | FileShare.Delete,
                        Options = FileOptions.DeleteOnClose | FileOptions.Asynchronous,
                        BufferSize = 0,
                    });
                    await _file.WriteAsync(_buffer.AsMemory(0, (int)Length), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(MemoryLimit, _buffer.Length * 2));
                    Buffer.BlockCopy(_buffer, 0, bigger, 0, (int)Length);
                    ArrayPool<byte>.Shared.Return(_buffer);
                    _buffer = bigger;
                }
            }
            if (_file is null)
            {
                var n = await body.ReadAsync(_buffer.AsMemory((int)Length), cancellationToken).ConfigureAwait(false);
                if (n == 0) return;
                Length += n;
            }
            else
            {
                var n = await body.ReadAsync(_buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }
                await _file.WriteAsync(_buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                Length += n;
            }
        }
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
        if (_buffer is { } b)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(b);
        }
    }
}
