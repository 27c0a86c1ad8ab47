using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace MuseumSync.PowerShell.Completion;

/// <summary>Completes <c>-Provider</c> with the databases a store can be on (the names <c>-Provider</c> accepts).</summary>
public sealed class ProviderCompleter : IArgumentCompleter
{
    /// <summary>The provider names, as the store parameters accept them (any case), with what each one is.</summary>
    internal static readonly IReadOnlyList<KeyValuePair<string, string>> Providers =
    [
        new("SqlServer", "SqlServer: Microsoft SQL Server or Azure SQL (the default with -ConnectionString)"),
        new("PostgreSql", "PostgreSql: PostgreSQL"),
        new("Sqlite", "Sqlite: a SQLite file, named by a connection string 'Data Source=PATH' (or use -Database PATH)"),
    ];

    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionText.Complete(wordToComplete, Providers);
}
