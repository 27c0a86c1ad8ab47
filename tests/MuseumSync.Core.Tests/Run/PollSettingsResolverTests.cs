using MuseumSync.Paging;
using MuseumSync.Polling;
using MuseumSync.Profiles;
using MuseumSync.Resilience;
using MuseumSync.Run;

namespace MuseumSync.Core.Tests.Run;

/// <summary>Which value wins: given, else the profile's, else the default the core option declares (once).</summary>
public sealed class PollSettingsResolverTests
{
    private static PollRequest Resolve(SyncSettings settings, string? watermark = null, List<string>? said = null)
    {
        var profile = PollSettingsResolver.Profile(settings);
        return PollSettingsResolver.Request(settings, profile, PollSettingsResolver.FieldMap(settings, profile), null, watermark, null, m => said?.Add(m));
    }

    [Fact]
    public void Request_NothingGiven_ProfileValuesThenTheOptionsOwnDefaults()
    {
        var r = Resolve(new SyncSettings { Source = "met", Profile = "Met" });

        Assert.Equal(SourceProfiles.Met.Uri, r.Uri);
        Assert.Equal(SourceProfiles.Met.PageSize, r.PageSize);
        Assert.Equal(SourceProfiles.Met.ThrottleLimit, r.ThrottleLimit);
        Assert.Equal(new HttpResilienceOptions().MaxRetryAttempts, r.Resilience.MaxRetryAttempts);
        Assert.Equal(new HttpResilienceOptions().AttemptTimeout, r.Resilience.AttemptTimeout);
        Assert.Equal(PollRequest.DefaultMaxEmptyPages, r.MaxEmptyPages);
        Assert.Equal(PageLimitOptions.DefaultPageTimeout, r.Limits.PageTimeout);
    }

    [Fact]
    public void Request_GivenValues_WinOverTheProfile()
    {
        var r = Resolve(new SyncSettings
        {
            Source = "s",
            Profile = "ArtInstituteOfChicago",
            Uri = new Uri("http://127.0.0.1:1/objects"),
            PageSize = 7,
            MaxRetries = 2,
            Paging = PagingStyle.Offset,
            RequestLimit = 10,
            RequestWindow = TimeSpan.FromHours(1),
        });

        Assert.Equal(7, r.PageSize);
        Assert.Equal(2, r.Resilience.MaxRetryAttempts);
        Assert.Equal(PagingStyle.Offset, r.Paging);
        Assert.Null(r.RateLimit.RequestsPerSecond); // a given request limit replaces the profile's pace
        Assert.Equal(10, r.RateLimit.RequestLimit);
        Assert.Equal(TimeSpan.FromHours(1), r.RateLimit.RequestWindow);
        Assert.Null(r.ItemUri); // a given endpoint does not take the profile's item URL
    }

    [Fact]
    public void Request_IncrementalProfileWithWatermark_StartsFromItAndSaysSo()
    {
        var said = new List<string>();

        var r = Resolve(new SyncSettings { Source = "met", Profile = "Met" }, "2025-05-01T00:00:00Z", said);

        Assert.Equal(new DateTimeOffset(2025, 5, 1, 0, 0, 0, TimeSpan.Zero), r.Since);
        Assert.Contains(said, m => m.StartsWith("Incremental: only records modified since the checkpoint's watermark", StringComparison.Ordinal));
    }

    [Fact]
    public void Request_TwoKindsOfCredential_RefusedWithTheFix()
    {
        var settings = new SyncSettings { Source = "s", Uri = new Uri("http://127.0.0.1:1/"), ApiKeyVariable = "A", BearerTokenVariable = "B" };

        var ex = Assert.Throws<ArgumentException>(() => Resolve(settings));

        Assert.Contains("Use one kind of credential", ex.Message, StringComparison.Ordinal);
    }
}
