using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using MuseumSync.Storage;

namespace MuseumSync.PowerShell.Completion;

/// <summary>
/// Completes <c>-Source</c> with the sources of the store the command line names: <c>-Database PATH</c>, or
/// <c>-ConnectionString CS [-Provider] [-Credential | -StoreCredential] [-Schema]</c>. Every source a sync ever committed a
/// batch for has a checkpoint, so the checkpoints are the list, read as Get-SyncCheckpoint reads them (no file is created, no schema migrated).
/// No store on the command line, a file that does not exist, a server that does not answer within
/// <see cref="Timeout"/>: no completions, never an error.
/// </summary>
public sealed class SourceCompleter : IArgumentCompleter
{
    /// <summary>How long a completion may wait for the database.</summary>
    internal static TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var store = StoreArguments.From(commandName, fakeBoundParameters);
            if (store is null) return [];
            return CompletionText.Complete(wordToComplete, Sources(store, Timeout));
        }
#pragma warning disable CA1031 // A completer must never throw: no completions instead.
        catch (Exception)
#pragma warning restore CA1031
        {
            return [];
        }
    }

    /// <summary>The sources with a checkpoint, with a tooltip (cursor, last sync, totals); empty when the store cannot be read in time.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static List<KeyValuePair<string, string>> Sources(StoreArguments arguments, TimeSpan timeout)
    {
        var options = arguments.ToOptions();
        if (options.Provider == StoreProvider.Sqlite && !File.Exists(options.SqliteFile())) return [];
        using var cts = new CancellationTokenSource();
        var read = Task.Run(async () =>
        {
            var store = await SyncStoreFactory.OpenAsync(options, create: false, cts.Token).ConfigureAwait(false);
            await using var storeScope = store.ConfigureAwait(false);
            return await store.GetCheckpointsAsync(null, cts.Token).ConfigureAwait(false);
        });
        IReadOnlyList<SyncCheckpoint> checkpoints;
        try
        {
            checkpoints = read.WaitAsync(timeout).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is TimeoutException || read.IsCompleted)
        {
            // Out of time (TimeoutException from WaitAsync), or the read failed or was cancelled: no completions.
            return [];
        }
        finally
        {
            // A read still running when the time is up is cancelled; its failure is observed here, not by the finalizer.
            if (!read.IsCompleted) cts.Cancel();
            _ = read.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return checkpoints.Select(c => new KeyValuePair<string, string>(c.Source, string.Create(CultureInfo.InvariantCulture,
            $"{c.Source}: cursor {c.Cursor ?? "(start)"}, last sync {(c.LastSyncTime is { } t ? t.ToString("u", CultureInfo.InvariantCulture) : "never")}, {c.RecordsCommitted} records, {c.DeadLettered} dead letters"))).ToList();
    }
}

/// <summary>The store parameters as the command line being completed gives them (only the values PowerShell could evaluate safely).</summary>
internal sealed class StoreArguments
{
    private StoreArguments(string? database, string? connectionString, string? provider, PSCredential? credential, string? schema)
    {
        Database = database;
        ConnectionString = connectionString;
        Provider = provider;
        Credential = credential;
        Schema = schema;
    }

    public string? Database { get; }

    public string? ConnectionString { get; }

    public string? Provider { get; }

    public PSCredential? Credential { get; }

    public string? Schema { get; }

    /// <summary>The store of the command line, or null when it names none (or names both a file and a connection string).</summary>
    /// <param name="commandName">The command being completed: Invoke-MuseumPoll's -Credential is the web API's, its store login is -StoreCredential.</param>
    /// <param name="bound">The parameters PowerShell bound for the completion.</param>
    public static StoreArguments? From(string? commandName, IDictionary? bound)
    {
        if (bound is null) return null;
        var database = Text(bound, "Database");
        var connectionString = Text(bound, "ConnectionString");
        if ((database is null) == (connectionString is null)) return null;
        var credential = Value(bound, "StoreCredential") as PSCredential;
        if (credential is null && !string.Equals(commandName, "Invoke-MuseumPoll", StringComparison.OrdinalIgnoreCase)) credential = Value(bound, "Credential") as PSCredential;
        return new StoreArguments(database is null ? null : ResolvePath(database), connectionString, Text(bound, "Provider"), credential, Text(bound, "Schema"));
    }

    /// <summary>Validated options for a quick, read-only look (no retries, a short command timeout).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public StoreOptions ToOptions()
    {
        var kind = StoreProvider.SqlServer;
        if (Provider is not null && !Enum.TryParse(Provider, ignoreCase: true, out kind)) throw new ArgumentException($"'{Provider}' is not a provider.");
        var options = new StoreOptions
        {
            Provider = Database is not null ? StoreProvider.Sqlite : kind,
            Database = Database,
            ConnectionString = ConnectionString,
            Credential = Credential is null || Credential == PSCredential.Empty ? null : new StoreCredential(Credential.UserName, Credential.Password),
            Schema = string.IsNullOrEmpty(Schema) ? StoreOptions.DefaultSchema : Schema,
            CommandTimeout = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(SourceCompleter.Timeout.TotalSeconds))),
            MaxRetryAttempts = 0,
        };
        options.Validate();
        return options;
    }

    private static object? Value(IDictionary bound, string name)
    {
        var value = bound.Contains(name) ? bound[name] : null;
        return value is PSObject pso ? pso.BaseObject : value;
    }

    private static string? Text(IDictionary bound, string name) => Value(bound, name) switch
    {
        string s when !string.IsNullOrWhiteSpace(s) => s,
        _ => null,
    };

    private static readonly Lazy<ScriptBlock> s_resolve = new(() => ScriptBlock.Create("$ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($args[0])"));

    /// <summary>A -Database path as the cmdlet would read it: relative to PowerShell's current location (not the process's), ~ and PSDrives expanded.</summary>
    internal static string ResolvePath(string path)
    {
        // Completion runs on the session's pipeline thread, where a script block sees the session's location
        // (Runspace.SessionStateProxy is not usable while the completion's own pipeline runs).
        if (Runspace.DefaultRunspace is not null)
        {
            try
            {
                if (s_resolve.Value.Invoke(path) is [{ BaseObject: string resolved }] && resolved.Length > 0) return resolved;
            }
            catch (RuntimeException)
            {
                // Not a file-system path PowerShell can resolve here: the rooted form only.
            }
        }
        return System.IO.Path.IsPathRooted(path) ? path : throw new ArgumentException($"'{path}' cannot be resolved without a PowerShell location.");
    }
}
