using System.Diagnostics;
using MuseumSync.Lido;
using Xunit.Abstractions;

namespace MuseumSync.Core.Tests.Lido;

/// <summary>
/// Large lidoWrap files stream: memory stays flat however long the file. The quick test validates ~50 MB; set
/// MUSEUMSYNC_LIDO_STREAM_MB=1024 to run the same measurement on a 1 GB stream (see the README for the numbers).
/// </summary>
[Collection(MemoryMeasurementGroup.Name)]
public sealed class LidoStreamingTests(ITestOutputHelper output)
{
    private const string BigStreamVariable = "MUSEUMSYNC_LIDO_STREAM_MB";

    [LidoFixtureFact]
    public void Validate_50MegabyteLidoWrap_RetainedMemoryStaysBounded() => Measure(50);

    [LidoFixtureFact]
    public void Validate_LidoWrapOfTheSizeInTheEnvironment_RetainedMemoryStaysBounded()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(BigStreamVariable), out var mb) || mb <= 0)
        {
            output.WriteLine($"{BigStreamVariable} is not set; nothing to measure beyond the 50 MB test.");
            return;
        }
        Measure(mb);
    }

    private void Measure(int megabytes)
    {
        var recordBytes = System.Text.Encoding.UTF8.GetByteCount(GeneratedLidoStream.Record(0));
        var records = (long)megabytes * 1024 * 1024 / recordBytes;
        var validator = LidoTestData.Validator(LidoVersion.Lido11);
        validator.ValidateXml(LidoTestData.Record()).Single(); // compile the schema first: it is kept for the process
        var baseline = Retained();
        var peak = baseline;
        var stream = new GeneratedLidoStream(records, GeneratedLidoStream.Record);
        long count = 0, invalid = 0;
        var sampleEvery = Math.Max(1, records / 20);
        var clock = Stopwatch.StartNew();

        foreach (var r in validator.Validate(stream, "generated.xml"))
        {
            count++;
            if (!r.IsValid) invalid++;
            if (count % sampleEvery == 0) peak = Math.Max(peak, Retained());
        }

        clock.Stop();
        var growth = peak - baseline;
        output.WriteLine($"{stream.BytesProduced / 1024.0 / 1024.0:N0} MB, {count:N0} records in {clock.Elapsed.TotalSeconds:N1} s ({stream.BytesProduced / 1024.0 / 1024.0 / clock.Elapsed.TotalSeconds:N1} MB/s); retained memory {baseline / 1024.0 / 1024.0:N1} MB before, peak growth {growth / 1024.0:N0} KB; process peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0:N0} MB");
        Assert.Equal(records, count);
        Assert.Equal(0, invalid);
        Assert.True(growth < 8 * 1024 * 1024, $"retained memory grew by {growth:N0} bytes while streaming {stream.BytesProduced:N0} bytes");
    }

    private static long Retained()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

/// <summary>Tests that measure the process's memory run alone, not beside other tests that allocate.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementGroup
{
    public const string Name = "Memory measurement (runs alone)";
}
