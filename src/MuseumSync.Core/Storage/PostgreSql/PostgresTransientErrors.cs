using Npgsql;

namespace MuseumSync.Storage.PostgreSql;

/// <summary>PostgreSQL errors after which running the whole batch again may succeed.</summary>
internal static class PostgresTransientErrors
{
    // Serialization failure, deadlock, lock not available, query canceled by a timeout, admin shutdown / crash / cannot connect now, too many connections.
    private static readonly HashSet<string> s_sqlStates = ["40001", "40P01", "55P03", "57014", "57P01", "57P02", "57P03", "53300", "08000", "08003", "08006", "08001", "08004"];

    public static bool IsTransient(Exception ex) => ex switch
    {
        PostgresException pg => s_sqlStates.Contains(pg.SqlState) || pg.IsTransient,
        NpgsqlException n => n.IsTransient,
        TimeoutException => true,
        _ => false,
    };
}
