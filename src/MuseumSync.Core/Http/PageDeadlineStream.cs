using System.Diagnostics;

namespace MuseumSync.Http;

/// <summary>
/// A response body that may keep its reader waiting at most <c>deadline</c> in total: unlike the idle timeout, which a
/// body dripping one byte a second never trips, this sums the time spent in every read. Time the caller spends between
/// reads does not count. Past the deadline a read throws <see cref="PageTimeoutException"/>, a <see cref="TimeoutException"/>,
/// so the page is read again like a body that broke off.
/// </summary>
internal sealed class PageDeadlineStream : ReadOnlyWrapperStream
{
    private readonly TimeSpan _deadline;
    private readonly string _maskedUrl;
    private TimeSpan _waited;

    public PageDeadlineStream(Stream inner, TimeSpan deadline, string maskedUrl)
        : base(inner)
    {
        _deadline = deadline;
        _maskedUrl = maskedUrl;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var left = _deadline - _waited;
        if (left <= TimeSpan.Zero) throw Expired();
        var started = Stopwatch.GetTimestamp();
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(left);
        try
        {
            return await Inner.ReadAsync(buffer, timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw Expired();
        }
        finally
        {
            _waited += Stopwatch.GetElapsedTime(started);
        }
    }

    private PageTimeoutException Expired() => new(
        $"The body of {_maskedUrl} did not arrive whole within the page timeout of {_deadline.TotalSeconds:0.###} s (the source sends it too slowly). If the source is slow but sound, raise -PageTimeoutSec (PageTimeoutSec in sync.psd1) or ask for smaller pages (-PageSize).",
        _deadline);
}

/// <summary>A page body that took longer than its page timeout to arrive.</summary>
internal sealed class PageTimeoutException : TimeoutException
{
    public PageTimeoutException(string message, TimeSpan deadline)
        : base(message)
    {
        Deadline = deadline;
    }

    /// <summary>The page timeout that ran out.</summary>
    public TimeSpan Deadline { get; }
}
