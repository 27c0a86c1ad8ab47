using MuseumSync.Storage;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace MuseumSync.Core.Tests.Storage.Contract;

/// <summary>
/// A fact of the store contract suite: it runs once per store test class, and is reported as skipped, with the reason,
/// when that class's database is not configured (<see cref="StoreTargetAttribute"/>).
/// </summary>
[XunitTestCaseDiscoverer("MuseumSync.Core.Tests.Storage.Contract.StoreFactDiscoverer", "MuseumSync.Core.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

/// <summary>Which store a contract test class runs against.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class StoreTargetAttribute(StoreProvider provider) : Attribute
{
    public StoreProvider Provider { get; } = provider;
}

/// <summary>Where the contract suite finds its databases: SQLite always; the servers from environment variables.</summary>
public static class StoreTargets
{
    public const string PostgresVariable = "MUSEUMSYNC_TEST_POSTGRES";
    public const string SqlServerVariable = "MUSEUMSYNC_TEST_SQLSERVER";

    public static string? Postgres => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } v ? v : null;

    public static string? SqlServer => Environment.GetEnvironmentVariable(SqlServerVariable) is { Length: > 0 } v ? v : null;

    public static string? SkipReason(StoreProvider provider) => provider switch
    {
        StoreProvider.PostgreSql when Postgres is null =>
            $"{PostgresVariable} is not set: set it to a PostgreSQL connection string (CI does: .ci/run starts a private cluster) to run the contract suite on PostgreSQL.",
        StoreProvider.SqlServer when SqlServer is null =>
            $"{SqlServerVariable} is not set: SQL Server cannot run on this machine; set it to a SQL Server connection string (README: SQL Server 2022 in a container) to run the contract suite on SQL Server.",
        _ => null,
    };
}

public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var type = testMethod.TestClass.Class.ToRuntimeType();
        var target = type?.GetCustomAttributes(typeof(StoreTargetAttribute), inherit: true).OfType<StoreTargetAttribute>().FirstOrDefault();
        var reason = target is null ? null : StoreTargets.SkipReason(target.Provider);
        if (reason is null) return base.Discover(discoveryOptions, testMethod, factAttribute);
        return [new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)];
    }
}
