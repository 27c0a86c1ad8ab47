namespace MuseumSync.Storage;

/// <summary>The databases MuseumSync writes to.</summary>
public enum StoreProvider
{
    /// <summary>An embedded SQLite file (<c>-Database PATH</c>).</summary>
    Sqlite = 0,

    /// <summary>Microsoft SQL Server or Azure SQL (Microsoft.Data.SqlClient).</summary>
    SqlServer = 1,

    /// <summary>PostgreSQL (Npgsql).</summary>
    PostgreSql = 2,
}
