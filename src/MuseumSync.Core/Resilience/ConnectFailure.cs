using System.Net.Sockets;
using System.Security.Authentication;

namespace MuseumSync.Resilience;

/// <summary>
/// Failures to reach an endpoint at all that another try within seconds does not mend: the connection refused, the
/// host name unknown, the host or network unreachable, the TLS handshake failed. While no request of a run has reached
/// the source, such a failure ends the run at once instead of going through every retry and circuit break.
/// </summary>
internal static class ConnectFailure
{
    /// <summary>True when <paramref name="ex"/> is a failure to reach the endpoint that is not transient by nature.</summary>
    public static bool IsPermanent(Exception ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        if (Find<SocketException>(ex) is { } socket)
        {
            // TryAgain is a DNS server's "not now": transient.
            return socket.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.NoData
                or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.AddressNotAvailable;
        }
        if (Find<AuthenticationException>(ex) is not null) return true;
        return ex is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError };
    }

    /// <summary>The cause as people read it: the exception's message and those of its inner exceptions, without repeats.</summary>
    public static string Cause(Exception ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var parts = new List<string>();
        for (var e = ex; e is not null && parts.Count < 4; e = e.InnerException)
        {
            var m = e.Message.Trim();
            if (m.Length > 0 && !parts.Exists(p => p.Contains(m, StringComparison.Ordinal))) parts.Add(m);
        }
        return string.Join(": ", parts);
    }

    private static T? Find<T>(Exception ex) where T : Exception
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is T t) return t;
        }
        return null;
    }
}
