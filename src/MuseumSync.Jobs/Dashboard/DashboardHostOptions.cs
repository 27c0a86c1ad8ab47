using System.Net;

namespace MuseumSync.Jobs.Dashboard;

/// <summary>How <c>Start-MuseumSyncDashboard</c> serves Hangfire's dashboard, with its limits and their defaults.</summary>
internal sealed class DashboardHostOptions
{
    /// <summary>The address it listens on. Only the IPv4 loopback address is accepted: the dashboard has no login of its own.</summary>
    public IPAddress Address { get; set; } = IPAddress.Loopback;

    /// <summary>The TCP port; 0 picks a free one. The default is 0.</summary>
    public int Port { get; set; }

    /// <summary>Whether the retry, requeue and delete buttons work (POSTs from the dashboard's own pages only). The default is false: read-only.</summary>
    public bool AllowActions { get; set; }

    /// <summary>The largest request body (a POST's form) read, in bytes. The default is 64 KiB.</summary>
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>The largest response (a page, a script) built, in bytes. The default is 32 MiB.</summary>
    public int MaxResponseBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Requests served at once; more are answered 503 at once. The default is 8.</summary>
    public int MaxConcurrentRequests { get; set; } = 8;

    /// <summary>How long one request may take, its body and the sending of the response included; a client slower than that is cut off. The default is 30 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The title on every page (no secret: the store's description).</summary>
    public string Title { get; set; } = "MuseumSync jobs";

    /// <summary>Throws <see cref="ArgumentException"/> for a value outside its range, and for any address but 127.0.0.1.</summary>
    public void Validate()
    {
        if (!IPAddress.Loopback.Equals(Address))
        {
            throw new ArgumentException($"The dashboard listens on 127.0.0.1 only, not on {Address}: it has no login of its own. To reach it from another machine use an SSH tunnel (ssh -L 8080:127.0.0.1:PORT host) or a reverse proxy that authenticates.");
        }
        if (Port is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(Port), Port, "-Port must be from 0 (a free port) to 65535.");
        if (MaxRequestBodyBytes is < 1024 or > 16 * 1024 * 1024) throw new ArgumentOutOfRangeException(nameof(MaxRequestBodyBytes), MaxRequestBodyBytes, "The dashboard's request body limit must be from 1 KiB to 16 MiB.");
        if (MaxResponseBytes is < 1024 * 1024 or > 1024 * 1024 * 1024) throw new ArgumentOutOfRangeException(nameof(MaxResponseBytes), MaxResponseBytes, "The dashboard's response limit must be from 1 MiB to 1 GiB.");
        if (MaxConcurrentRequests is < 1 or > 256) throw new ArgumentOutOfRangeException(nameof(MaxConcurrentRequests), MaxConcurrentRequests, "The dashboard's concurrent requests must be from 1 to 256.");
        if (RequestTimeout < TimeSpan.FromSeconds(1) || RequestTimeout > TimeSpan.FromMinutes(10)) throw new ArgumentOutOfRangeException(nameof(RequestTimeout), RequestTimeout, "The dashboard's request timeout must be from 1 second to 10 minutes.");
    }
}
