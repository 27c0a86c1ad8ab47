using System.Globalization;
using System.Management.Automation;
using MuseumSync.PowerShell.Internal;
using MuseumSync.Storage;

namespace MuseumSync.PowerShell.Commands;

/// <summary>Creates or upgrades MuseumSync's schema in a database (help: docs/Initialize-SyncDatabase.md).</summary>
[Cmdlet(VerbsData.Initialize, "SyncDatabase", DefaultParameterSetName = DatabaseSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SchemaStatus))]
public sealed class InitializeSyncDatabaseCommand : SyncStoreCommand
{
    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        ResetStoreOptions(); // each piped object may name another database
        var options = StoreOptions;
        ISyncStore? store = null;
        try
        {
            var file = options.Provider == StoreProvider.Sqlite ? options.SqliteFile() : null;
            var confirmed = false;
            if (file is not null && !File.Exists(file))
            {
                if (!ShouldProcess(file, "Create the SQLite database and apply every schema migration")) return;
                confirmed = true;
            }
            store = OpenStore(create: true, initialize: false, CancellationToken.None);
            var opened = store;
            var status = AsyncPump.Run(() => opened.GetSchemaStatusAsync(CancellationToken.None));
            if (status.IsCurrent)
            {
                WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"The MuseumSync schema in {status.Database} is at version {status.CurrentVersion}, the latest; nothing to do."));
                WriteObject(status);
                return;
            }
            var list = string.Join(", ", status.Pending.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Version} ({m.Description})")));
            if (!confirmed && !ShouldProcess(StoreDescription, $"Apply schema migrations {list}")) return;
            var applied = AsyncPump.Run(() => opened.InitializeAsync(CancellationToken.None));
            var after = AsyncPump.Run(() => opened.GetSchemaStatusAsync(CancellationToken.None));
            foreach (var m in applied) WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"Applied migration {m.Version}: {m.Description}."));
            WriteObject(new SchemaStatus
            {
                Provider = after.Provider,
                Database = after.Database,
                Schema = after.Schema,
                CurrentVersion = after.CurrentVersion,
                LatestVersion = after.LatestVersion,
                Pending = after.Pending,
                Applied = applied,
            });
        }
        catch (SyncStoreException ex)
        {
            ThrowTerminatingError(ErrorRecords.FromStore(ex, StoreDescription));
        }
        finally
        {
            if (store is not null) AsyncPump.Run(async () => { await store.DisposeAsync().ConfigureAwait(false); return 0; });
        }
    }
}
