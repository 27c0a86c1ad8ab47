namespace MuseumSync.Core.Tests.Storage.Leases;

/// <summary>
/// A busy source carries its own error id whichever way it was made (a lease another worker holds, or a message such as
/// the scale-out submission's), so the cmdlets read the id from the exception instead of knowing it themselves.
/// </summary>
public sealed class SyncSourceBusyExceptionTests
{
    public static TheoryData<string, SyncSourceBusyException> Constructors() => new()
    {
        { "holder", new SyncSourceBusyException(new SyncLeaseHolder { Resource = "met", HolderId = "h1", Host = "server-b", ProcessId = 77, ExpiresAt = DateTimeOffset.UnixEpoch.AddMinutes(5) }, "museum.db") },
        { "message", new SyncSourceBusyException("Source 'met' is held by scale-out submission g1.") },
        { "message and inner", new SyncSourceBusyException("Source 'met' is busy.", new InvalidOperationException("inner")) },
        { "none", new SyncSourceBusyException() },
    };

    [Theory]
    [MemberData(nameof(Constructors))]
    public void EveryConstructor_CarriesTheSyncSourceBusyId_AndIsTransient(string made, SyncSourceBusyException busy)
    {
        Assert.True(busy.ErrorId == "SyncSourceBusy", $"made from {made}: ErrorId {busy.ErrorId}");
        Assert.True(busy.IsTransient, $"made from {made}");
        Assert.False(string.IsNullOrWhiteSpace(busy.Message));
    }
}
