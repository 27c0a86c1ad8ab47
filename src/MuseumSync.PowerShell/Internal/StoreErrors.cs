using System.Management.Automation;

namespace MuseumSync.PowerShell.Internal;

/// <summary>Error records for the store cmdlets: stable ids, the right category, and the store's description (never a connection string) as target.</summary>
internal static class StoreErrors
{
    public static ErrorRecord From(Exception ex, string target) => ex switch
    {
        SyncSourceBusyException busy => new ErrorRecord(busy, busy.ErrorId, ErrorCategory.ResourceBusy, target),
        SyncLeaseLostException lost => new ErrorRecord(lost, lost.ErrorId, ErrorCategory.ResourceBusy, target),
        SyncStoreException store => new ErrorRecord(store, store.ErrorId, store.IsTransient ? ErrorCategory.ConnectionError : ErrorCategory.WriteError, target),
        ArgumentException arg => new ErrorRecord(arg, "SyncStoreInvalidArgument", ErrorCategory.InvalidArgument, target),
        _ => ErrorRecords.From(ex, target),
    };

    /// <summary>Runs store work off the pipeline thread and returns its result (exceptions unwrapped).</summary>
    public static T Run<T>(Func<Task<T>> work) => Task.Run(work).GetAwaiter().GetResult();
}
