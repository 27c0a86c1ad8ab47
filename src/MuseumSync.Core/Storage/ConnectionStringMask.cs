using System.Data.Common;

namespace MuseumSync.Storage;

/// <summary>Masks secrets in a connection string before it is shown anywhere (errors, verbose output, the database).</summary>
internal static class ConnectionStringMask
{
    private static readonly string[] s_secretKeys = ["password", "pwd", "passwd", "user password", "sslpassword", "ssl password", "access token", "accesstoken", "client secret"];

    /// <summary>The connection string with the value of every password-like keyword replaced by <c>***</c>; an unparsable string is masked whole.</summary>
    public static string Mask(string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString)) return string.Empty;
        DbConnectionStringBuilder b;
        try
        {
            b = new DbConnectionStringBuilder { ConnectionString = connectionString };
        }
        catch (ArgumentException)
        {
            // A string the parser rejects may still hold a password somewhere: show nothing of it.
            return "(a connection string that could not be parsed)";
        }
        foreach (var key in b.Keys.Cast<string>().ToArray())
        {
            if (s_secretKeys.Contains(key.Trim(), StringComparer.OrdinalIgnoreCase)) b[key] = "***";
        }
        return b.ConnectionString;
    }
}
