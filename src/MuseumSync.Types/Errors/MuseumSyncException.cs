namespace MuseumSync;

/// <summary>The base of MuseumSync's own errors. <see cref="IsTransient"/> says whether trying again later may succeed.</summary>
public class MuseumSyncException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MuseumSyncException() { }

    /// <summary>Creates the exception.</summary>
    public MuseumSyncException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public MuseumSyncException(string message, Exception? inner) : base(message, inner) { }

    /// <summary>Creates the exception.</summary>
    public MuseumSyncException(string message, string errorId, bool isTransient, Exception? inner = null) : base(message, inner)
    {
        ErrorId = errorId;
        IsTransient = isTransient;
    }

    /// <summary>A stable id for the kind of failure (<c>MuseumPollHttpError</c>, <c>SyncStoreError</c>, …).</summary>
    public string ErrorId { get; } = "MuseumSyncError";

    /// <summary>True when the same call may succeed later (a timeout, a 503), false for a problem that needs a fix.</summary>
    public bool IsTransient { get; }
}

/// <summary>A museum API could not be read: the status, the URL (secrets masked) and the correlation id are in the message.</summary>
public sealed class MuseumPollException : MuseumSyncException
{
    /// <summary>Creates the exception.</summary>
    public MuseumPollException() { }

    /// <summary>Creates the exception.</summary>
    public MuseumPollException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public MuseumPollException(string message, Exception? inner) : base(message, inner) { }

    /// <summary>Creates the exception.</summary>
    public MuseumPollException(string message, string errorId, bool isTransient, Uri? uri, int? statusCode, string? correlationId, Exception? inner = null)
        : base(message, errorId, isTransient, inner)
    {
        Url = Http.UrlMasker.Mask(uri);
        StatusCode = statusCode;
        CorrelationId = correlationId;
    }

    /// <summary>The URL that failed, with secret query values masked.</summary>
    public string? Url { get; }

    /// <summary>The last HTTP status, when there was one.</summary>
    public int? StatusCode { get; }

    /// <summary>The correlation id sent with the failed request.</summary>
    public string? CorrelationId { get; }
}

/// <summary>The database could not be read or written.</summary>
public sealed class SyncStoreException : MuseumSyncException
{
    /// <summary>Creates the exception.</summary>
    public SyncStoreException() { }

    /// <summary>Creates the exception.</summary>
    public SyncStoreException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public SyncStoreException(string message, Exception? inner) : base(message, inner) { }

    /// <summary>Creates the exception.</summary>
    public SyncStoreException(string message, bool isTransient, Exception? inner) : base(message, "SyncStoreError", isTransient, inner) { }
}
