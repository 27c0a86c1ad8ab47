namespace MuseumSync;

/// <summary>
/// A Hangfire dashboard that <c>Start-MuseumSyncDashboard</c> serves: where to open it and what it shows. With
/// <c>-PassThru</c> the dashboard keeps running in the session until <see cref="Stop"/> (or the session's end).
/// </summary>
public sealed class JobDashboard
{
    private readonly IDisposable? _host;
    private int _stopped;

    internal JobDashboard(IDisposable? host) => _host = host;

    /// <summary>The address to open in a browser on this machine, <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri Url { get; init; } = null!;

    /// <summary>The TCP port it listens on (127.0.0.1 only).</summary>
    public int Port { get; init; }

    /// <summary>Where the jobs are kept (never a secret).</summary>
    public string? Database { get; init; }

    /// <summary>Whether the retry, requeue and delete buttons work (-AllowActions); otherwise it is read-only.</summary>
    public bool AllowActions { get; init; }

    /// <summary>When it started.</summary>
    public DateTimeOffset Started { get; init; }

    /// <summary>Whether it still serves (false once stopped).</summary>
    public bool IsRunning => _host is not null && Volatile.Read(ref _stopped) == 0;

    /// <summary>Stops a dashboard started with <c>-PassThru</c>; does nothing when it has stopped already.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0) _host?.Dispose();
    }
}
