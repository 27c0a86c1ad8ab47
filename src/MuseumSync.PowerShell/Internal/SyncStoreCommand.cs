using System.Management.Automation;
using MuseumSync.PowerShell.Completion;
using MuseumSync.Storage;

namespace MuseumSync.PowerShell.Internal;

/// <summary>
/// The store parameters every store cmdlet shares, as two parameter sets: <c>-Database PATH</c> (SQLite, the embedded
/// default) or <c>-ConnectionString CS [-Provider SqlServer|PostgreSql|Sqlite] [-Credential PSCredential] [-Schema NAME]</c>.
/// Not a cmdlet itself. No field here (or in a cmdlet) has a value type from MuseumSync.Core: PowerShell loads the
/// cmdlet types before the module's load context is hooked, and such a field would make it look for the core too early.
/// </summary>
public abstract class SyncStoreCommand : AsyncCmdlet
{
    /// <summary>The parameter set of <c>-Database</c>.</summary>
    public const string DatabaseSet = "Database";

    /// <summary>The parameter set of <c>-ConnectionString</c>.</summary>
    public const string ConnectionStringSet = "ConnectionString";

    private StoreOptions? _options;

    /// <summary>The SQLite database file. Binds from the pipeline by property name: Database (checkpoints, schema status) or FullName (Get-ChildItem *.db).</summary>
    [Parameter(Mandatory = true, ParameterSetName = DatabaseSet, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Database { get; set; } = null!;

    /// <summary>An ADO.NET connection string for SQL Server (the default provider), PostgreSQL or SQLite. Encrypt, TrustServerCertificate and Integrated Security pass through as given.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ConnectionStringSet)]
    [ValidateNotNullOrEmpty]
    public string ConnectionString { get; set; } = null!;

    /// <summary>The database behind -ConnectionString: SqlServer, PostgreSql or Sqlite. The default is SqlServer.</summary>
    [Parameter(ParameterSetName = ConnectionStringSet)]
    [ValidateSet("SqlServer", "PostgreSql", "Sqlite", IgnoreCase = true)]
    [ArgumentCompleter(typeof(ProviderCompleter))]
    public string Provider { get; set; } = "SqlServer";

    /// <summary>A SQL login (SQL Server) or user (PostgreSQL), kept out of the connection string.</summary>
    [Parameter(ParameterSetName = ConnectionStringSet)]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>The schema holding MuseumSync's tables on SQL Server and PostgreSQL. The default is museumsync.</summary>
    [Parameter(ParameterSetName = ConnectionStringSet)]
    [ValidateNotNullOrEmpty]
    public string Schema { get; set; } = StoreOptions.DefaultSchema;

    /// <summary>The validated store options (a terminating error when they cannot work).</summary>
    private protected StoreOptions StoreOptions
    {
        get
        {
            if (_options is not null) return _options;
            try
            {
                _options = ParameterSetName == ConnectionStringSet
                    ? StoreSelection.Create(this, null, ConnectionString, Provider, Credential, Schema)
                    : StoreSelection.Create(this, Database, null, null, null, null);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "SyncStoreInvalidArgument", ErrorCategory.InvalidArgument, ParameterSetName == ConnectionStringSet ? Provider : Database));
            }
            return _options!;
        }
    }

    /// <summary>Where the data is, for messages (no secrets).</summary>
    private protected string StoreDescription => StoreOptions.Describe();

    /// <summary>Forgets the options (a new pipeline object may bind another -Database by property name).</summary>
    private protected void ResetStoreOptions() => _options = null;

    /// <summary>Opens the store (and with <paramref name="initialize"/>, brings its schema up to date); store errors come back as <see cref="SyncStoreException"/>.</summary>
    private protected ISyncStore OpenStore(bool create, bool initialize, CancellationToken cancellationToken)
    {
        var options = StoreOptions;
        return AsyncPump.Run(async () =>
        {
            var store = await SyncStoreFactory.OpenAsync(options, create, cancellationToken).ConfigureAwait(false);
            if (!initialize) return store;
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
        });
    }

    /// <summary>True when -WhatIf is in force (the parameter or $WhatIfPreference).</summary>
    private protected bool IsWhatIf() =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) ? w is SwitchParameter s ? s.IsPresent : w is true
        : GetVariableValue("WhatIfPreference") is bool b ? b : GetVariableValue("WhatIfPreference") is SwitchParameter sp && sp.IsPresent;
}
