using System.Text.RegularExpressions;

namespace MuseumSync.Storage;

/// <summary>
/// Identifiers that go into SQL text (the schema name): validated against a strict pattern, then quoted for the
/// dialect. Every value goes as a parameter; only these names are ever spliced in.
/// </summary>
internal static partial class SqlIdentifier
{
    // \z, not $: in .NET, $ also matches before a final "\n", which would let "museumsync\n" through.
    [GeneratedRegex(@"\A[A-Za-z_][A-Za-z0-9_]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    // The databases' own catalog schemas: MuseumSync must never create or write tables there.
    [GeneratedRegex(@"\A(information_schema|sys|pg_.*)\z", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Reserved();

    /// <summary>
    /// Throws when <paramref name="name"/> is not a plain identifier (letters, digits, underscores; a letter or
    /// underscore first; at most 63 characters) or names a system schema (<c>information_schema</c>, <c>sys</c>,
    /// <c>pg_*</c>, in any case).
    /// </summary>
    public static void Validate(string? name, string parameterName)
    {
        if (name is null || !Pattern().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a valid schema name: use letters, digits and underscores, starting with a letter or underscore, at most 63 characters.", parameterName);
        }
        if (Reserved().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a valid schema name: it is a system schema of the database (information_schema, sys and pg_* are reserved). Use a schema of your own, such as the default '{StoreOptions.DefaultSchema}'.", parameterName);
        }
    }

    /// <summary>The identifier quoted for SQL Server: <c>[name]</c>.</summary>
    public static string QuoteSqlServer(string name)
    {
        Validate(name, nameof(name));
        return "[" + name + "]";
    }

    /// <summary>The identifier quoted for PostgreSQL: <c>"name"</c>.</summary>
    public static string QuotePostgres(string name)
    {
        Validate(name, nameof(name));
        return "\"" + name + "\"";
    }
}
