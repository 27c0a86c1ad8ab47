using System.Management.Automation;

namespace MuseumSync.PowerShell.Internal;

/// <summary>Maps MuseumSync's exceptions to error records with stable ids and categories.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(Exception ex, object? target)
    {
        var (id, category) = ex switch
        {
            MuseumPollException p when p.ErrorId is MuseumSync.Http.OriginPolicy.ErrorId or MuseumSync.Http.OriginPolicy.CredentialInPositionErrorId => (p.ErrorId, ErrorCategory.SecurityError),
            MuseumPollException p when p.StatusCode is 401 or 403 => (p.ErrorId, ErrorCategory.PermissionDenied),
            MuseumPollException p when p.StatusCode is 404 => (p.ErrorId, ErrorCategory.ObjectNotFound),
            MuseumPollException p when p.StatusCode is 400 => (p.ErrorId, ErrorCategory.InvalidArgument),
            MuseumPollException p => (p.ErrorId, p.IsTransient ? ErrorCategory.ConnectionError : ErrorCategory.ReadError),
            SyncStoreException s => (s.ErrorId, ErrorCategory.WriteError),
            MuseumSyncException m => (m.ErrorId, ErrorCategory.NotSpecified),
            ArgumentException => ("MuseumSyncInvalidArgument", ErrorCategory.InvalidArgument),
            _ => ("MuseumSyncUnexpectedError", ErrorCategory.NotSpecified),
        };
        return new ErrorRecord(ex, id, category, target);
    }
}
