namespace MuseumSync;

/// <summary>One versioned schema change.</summary>
/// <param name="Version">The version it brings the schema to.</param>
/// <param name="Description">What it does.</param>
public sealed record SchemaMigration(int Version, string Description);

/// <summary>Where a database's MuseumSync schema stands.</summary>
public sealed class SchemaStatus
{
    /// <summary>The provider (<c>Sqlite</c>, <c>SqlServer</c>, <c>PostgreSql</c>).</summary>
    public required string Provider { get; init; }

    /// <summary>The database (file, or server and database; no secrets).</summary>
    public required string Database { get; init; }

    /// <summary>The schema holding the tables (<c>museumsync</c>), or null on SQLite.</summary>
    public string? Schema { get; init; }

    /// <summary>The highest applied migration; 0 when the schema is not installed.</summary>
    public int CurrentVersion { get; init; }

    /// <summary>The version this MuseumSync needs.</summary>
    public int LatestVersion { get; init; }

    /// <summary>The migrations still to apply, in order.</summary>
    public IReadOnlyList<SchemaMigration> Pending { get; init; } = Array.Empty<SchemaMigration>();

    /// <summary>The migrations applied by the call that returned this status (Initialize-SyncDatabase).</summary>
    public IReadOnlyList<SchemaMigration> Applied { get; init; } = Array.Empty<SchemaMigration>();

    /// <summary>True when no migration is pending.</summary>
    public bool IsCurrent => Pending.Count == 0;

    /// <inheritdoc />
    public override string ToString() => $"{Provider} {Database}: schema version {CurrentVersion} of {LatestVersion}";

    /// <summary>The status of a store whose <paramref name="applied"/> versions are recorded, against its migration list.</summary>
    internal static SchemaStatus From(string provider, string database, string? schema, IReadOnlySet<int> applied, IReadOnlyList<(int Version, string Description, string Sql)> migrations) => new()
    {
        Provider = provider,
        Database = database,
        Schema = schema,
        CurrentVersion = applied.Count == 0 ? 0 : applied.Max(),
        LatestVersion = migrations[^1].Version,
        Pending = migrations.Where(m => !applied.Contains(m.Version)).Select(m => new SchemaMigration(m.Version, m.Description)).ToArray(),
    };
}
