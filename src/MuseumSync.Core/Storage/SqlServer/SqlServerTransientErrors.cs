using Microsoft.Data.SqlClient;

namespace MuseumSync.Storage.SqlServer;

/// <summary>SQL Server and Azure SQL errors after which running the whole batch again may succeed.</summary>
internal static class SqlServerTransientErrors
{
    /// <summary>
    /// Deadlock victim (1205), lock timeouts (1204, 1222), snapshot update conflict (3960), client timeout (-2), connection
    /// failures (20, 64, 233, 10053, 10054, 10060, 997), and the Azure SQL transient codes: database unavailable or
    /// reconfiguring (4060, 4221, 40143, 40197, 40501, 40540, 40613, 42108, 42109, 49918, 49919, 49920), resource limits
    /// (10928, 10929, 10936), In-Memory OLTP validation failures (41301, 41302, 41305, 41325).
    /// </summary>
    public static readonly IReadOnlySet<int> Numbers = new HashSet<int>
    {
        1205, 1204, 1222, 3960, -2, 20, 64, 233, 997, 10053, 10054, 10060,
        4060, 4221, 40143, 40197, 40501, 40540, 40613, 42108, 42109, 49918, 49919, 49920,
        10928, 10929, 10936, 41301, 41302, 41305, 41325,
    };

    public static bool IsTransient(Exception ex) => ex switch
    {
        SqlException sql => sql.Errors.Cast<SqlError>().Any(e => Numbers.Contains(e.Number)) || Numbers.Contains(sql.Number),
        TimeoutException => true,
        _ => false,
    };
}
