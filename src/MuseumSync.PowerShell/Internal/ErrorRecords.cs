using System.Management.Automation;

namespace MuseumSync.PowerShell.Internal;

/// <summary>Maps MuseumSync's exceptions to error records with stable ids and categories: the one table every cmdlet uses.</summary>
internal static class ErrorRecords
{
    /// <summary>The error record for a failure of a poll, a sync or an argument.</summary>
    public static ErrorRecord From(Exception ex, object? target) => Create(ex, target, store: false);

    /// <summary>
    /// The error record for a failure of the store cmdlets: a busy source or a lost lease is ResourceBusy, a transient store
    /// failure a ConnectionError, a bad argument SyncStoreInvalidArgument; the target is the store's description (never a connection string).
    /// </summary>
    public static ErrorRecord FromStore(Exception ex, string target) => Create(ex, target, store: true);

    private static ErrorRecord Create(Exception ex, object? target, bool store)
    {
        var (id, category) = ex switch
        {
            // One id for every busy source (a lease another worker holds, or a scale-out submission that holds the source): the exception's own.
            SyncSourceBusyException busy when store => (busy.ErrorId, ErrorCategory.ResourceBusy),
            SyncLeaseLostException lost when store => (lost.ErrorId, ErrorCategory.ResourceBusy),
            MuseumPollException p when p.ErrorId is MuseumSync.Http.OriginPolicy.ErrorId or MuseumSync.Http.OriginPolicy.CredentialInPositionErrorId => (p.ErrorId, ErrorCategory.SecurityError),
            MuseumPollException p when p.StatusCode is 401 or 403 => (p.ErrorId, ErrorCategory.PermissionDenied),
            MuseumPollException p when p.StatusCode is 404 => (p.ErrorId, ErrorCategory.ObjectNotFound),
            MuseumPollException p when p.StatusCode is 400 => (p.ErrorId, ErrorCategory.InvalidArgument),
            MuseumPollException { ErrorId: "MuseumPollPageTooLarge" } p => (p.ErrorId, ErrorCategory.LimitsExceeded),
            MuseumPollException p => (p.ErrorId, p.IsTransient ? ErrorCategory.ConnectionError : ErrorCategory.ReadError),
            SyncDeleteThresholdException d => (d.ErrorId, ErrorCategory.LimitsExceeded),
            SyncStoreException s => (s.ErrorId, store && s.IsTransient ? ErrorCategory.ConnectionError : ErrorCategory.WriteError),
            MuseumSyncException m => (m.ErrorId, ErrorCategory.NotSpecified),
            ArgumentException => (store ? "SyncStoreInvalidArgument" : "MuseumSyncInvalidArgument", ErrorCategory.InvalidArgument),
            _ => ("MuseumSyncUnexpectedError", ErrorCategory.NotSpecified),
        };
        return new ErrorRecord(ex, id, category, target);
    }

    /// <summary>
    /// A store that cannot be opened or written for a file-system reason (a SQLite path under a file, a folder this
    /// account may not write): a SyncStoreError that says what to check, instead of the bare IOException.
    /// </summary>
    public static SyncStoreException StoreFileError(Exception ex, string store) =>
        new($"Could not open or write {store}: {ex.Message} Check that the database path names a file in a folder this account can create and write.", isTransient: false, ex);

    /// <summary>
    /// The error an invalid record becomes under -EnableException, written once its batch is committed:
    /// MuseumRecordInvalid, InvalidData, the record as target, the writer's message (record id, source, where, reasons).
    /// </summary>
    public static ErrorRecord InvalidRecord(string message, MuseumRecord record) =>
        new(new InvalidDataException(message), "MuseumRecordInvalid", ErrorCategory.InvalidData, record);
}
