using MuseumSync.SampleApi;

namespace MuseumSync.PowerShell.Tests;

/// <summary>Tests that each get a sample museum API of their own (Kestrel on 127.0.0.1), started before the test and stopped after it.</summary>
public abstract class SampleApiTests(SampleApiOptions options) : TempFolderTests, IAsyncLifetime
{
    /// <summary>The test's API (the name of the field the test classes had before they shared this).</summary>
    protected SampleMuseumApi _api { get; private set; } = null!;

    public async Task InitializeAsync() => _api = await SampleMuseumApi.StartAsync(options);

    public async Task DisposeAsync() => await _api.DisposeAsync();
}
