using System.Text.Json;
using MuseumSync.SampleApi;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// The counts a first sync of the sample feed must report, worked out from the feed itself: the writer takes a batch
/// every <c>batchSize</c> lines, and within a batch the last version of an object id wins (the earlier ones are
/// Superseded); a revision in a later batch than the id's previous version is an update.
/// </summary>
internal static class SampleFeedBatches
{
    public static (long Updated, long Superseded) FirstRun(SampleCollection c, int batchSize)
    {
        var invalid = c.InvalidLines.Select(l => l.LineIndex).ToHashSet();
        var stored = new HashSet<string>(StringComparer.Ordinal);
        long updated = 0, superseded = 0;
        for (var start = 0; start < c.Lines.Count; start += batchSize)
        {
            var inBatch = new HashSet<string>(StringComparer.Ordinal);
            for (var i = start; i < Math.Min(start + batchSize, c.Lines.Count); i++)
            {
                if (invalid.Contains(i)) continue;
                using var line = JsonDocument.Parse(c.Lines[i]);
                var id = line.RootElement.GetProperty("ObjectID").GetString()!;
                if (!inBatch.Add(id)) superseded++;
            }
            foreach (var id in inBatch)
            {
                if (!stored.Add(id)) updated++;
            }
        }
        return (updated, superseded);
    }
}
