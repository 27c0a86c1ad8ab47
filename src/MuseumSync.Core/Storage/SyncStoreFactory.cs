using System.Runtime.CompilerServices;
using MuseumSync.Storage.PostgreSql;
using MuseumSync.Storage.SqlServer;
using MuseumSync.Storage.Sqlite;

namespace MuseumSync.Storage;

/// <summary>Opens the store that <see cref="StoreOptions"/> describe.</summary>
internal static class SyncStoreFactory
{
    /// <summary>
    /// Validates <paramref name="options"/> and opens a connection. With <paramref name="create"/> a missing SQLite file is
    /// created; SQL Server and PostgreSQL databases must exist (their schema is created by <see cref="ISyncStore.InitializeAsync"/>).
    /// </summary>
    public static async Task<ISyncStore> OpenAsync(StoreOptions options, bool create, CancellationToken cancellationToken, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        time ??= TimeProvider.System;
        return options.Provider switch
        {
            StoreProvider.Sqlite => await SqliteSyncStore.OpenAsync(options.SqliteFile()!, create, cancellationToken, time).ConfigureAwait(false),
            StoreProvider.SqlServer => await OpenSqlServerAsync(options, time, cancellationToken).ConfigureAwait(false),
            StoreProvider.PostgreSql => await OpenPostgresAsync(options, time, cancellationToken).ConfigureAwait(false),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "Unknown provider."),
        };
    }

    // The server stores derive from AdoSyncStore over their driver's connection and command types, so a method that names
    // either store's type loads that driver when it is compiled. Each is named only in a method of its own, compiled when
    // that store is opened: a SQLite run loads neither Npgsql nor SqlClient (tests/Pester/ReadyToRun.Tests.ps1).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<ISyncStore> OpenSqlServerAsync(StoreOptions options, TimeProvider time, CancellationToken cancellationToken) =>
        await SqlServerSyncStore.OpenAsync(options, time, cancellationToken).ConfigureAwait(false);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<ISyncStore> OpenPostgresAsync(StoreOptions options, TimeProvider time, CancellationToken cancellationToken) =>
        await PostgresSyncStore.OpenAsync(options, time, cancellationToken).ConfigureAwait(false);

    /// <summary>Opens the store and brings its schema up to date (what the sync cmdlets do on first use).</summary>
    public static async Task<ISyncStore> OpenAndInitializeAsync(StoreOptions options, CancellationToken cancellationToken, TimeProvider? time = null)
    {
        var store = await OpenAsync(options, create: true, cancellationToken, time).ConfigureAwait(false);
        try
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
