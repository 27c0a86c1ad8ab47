namespace MuseumSync.Http;

/// <summary>The correlation id every request carries, so a verbose line, an error record and a dead letter can be matched to the server's logs.</summary>
internal static class CorrelationIds
{
    /// <summary>The request header. The value is <c>X-Correlation-ID</c>.</summary>
    public const string Header = "X-Correlation-ID";

    /// <summary>A new id (a GUID in its 36-character form).</summary>
    public static string New() => Guid.NewGuid().ToString();
}
