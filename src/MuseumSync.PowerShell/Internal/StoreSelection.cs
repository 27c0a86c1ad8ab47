using System.Management.Automation;
using MuseumSync.Storage;

namespace MuseumSync.PowerShell.Internal;

/// <summary>
/// Turns a cmdlet's store parameters (<c>-Database PATH</c>, or <c>-ConnectionString CS [-Provider] [-Credential] [-Schema]</c>)
/// into validated <see cref="StoreOptions"/>. Shared by every cmdlet that reads or writes a store, including any that
/// declares the parameters itself (optional ones, as Invoke-MuseumPoll's resume does).
/// </summary>
internal static class StoreSelection
{
    /// <summary>The options, or null when neither a database nor a connection string was given.</summary>
    /// <exception cref="ArgumentException">The combination cannot work; the message says how to fix it and shows no secret.</exception>
    /// <param name="cmdlet">The cmdlet (a relative -Database path is resolved against its current location).</param>
    /// <param name="database">-Database: a SQLite file.</param>
    /// <param name="connectionString">-ConnectionString.</param>
    /// <param name="provider">-Provider: SqlServer (the default when null), PostgreSql or Sqlite.</param>
    /// <param name="credential">-Credential.</param>
    /// <param name="schema">-Schema (the default when null: museumsync).</param>
    public static StoreOptions? Create(PSCmdlet cmdlet, string? database, string? connectionString, string? provider, PSCredential? credential, string? schema)
    {
        ArgumentNullException.ThrowIfNull(cmdlet);
        if (database is null && connectionString is null) return null;
        var kind = StoreProvider.SqlServer;
        if (provider is not null && !Enum.TryParse(provider, ignoreCase: true, out kind))
        {
            throw new ArgumentException($"'{provider}' is not a provider: use SqlServer, PostgreSql or Sqlite.", nameof(provider));
        }
        var options = new StoreOptions
        {
            Provider = database is not null ? StoreProvider.Sqlite : kind,
            Database = database is null ? null : CmdletPaths.Resolve(cmdlet, database),
            ConnectionString = connectionString,
            // The password stays a SecureString; the driver reads it when it connects.
            Credential = credential is null || credential == PSCredential.Empty ? null : new StoreCredential(credential.UserName, credential.Password),
            Schema = string.IsNullOrEmpty(schema) ? StoreOptions.DefaultSchema : schema,
        };
        options.Validate();
        return options;
    }
}
