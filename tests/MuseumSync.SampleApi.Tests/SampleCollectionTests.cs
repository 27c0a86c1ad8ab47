using System.Text.Json;

namespace MuseumSync.SampleApi.Tests;

public sealed class SampleCollectionTests
{
    private static readonly SampleApiOptions Defaults = new();
    private static readonly string[] BadCreationDates = ["2021-13-45", "2019-02-30T10:00:00Z", "2020/05/01", "circa 1850", "1850-00-00"];
    private static readonly string[] BadEmbargoDates = ["2024-02-30", "31/12/2025", "never"];

    private static SampleCollection Default() =>
        SampleCollection.Generate(Defaults.RecordCount, Defaults.Seed, Defaults.InvalidRate, Defaults.DuplicateRate);

    [Fact]
    public void Generate_SameSeed_ProducesIdenticalLines()
    {
        var first = SampleCollection.Generate(300, 7, 0.05, 0.03);
        var second = SampleCollection.Generate(300, 7, 0.05, 0.03);

        Assert.Equal(first.Lines, second.Lines);
        Assert.Equal(first.FinalTitles, second.FinalTitles);
        Assert.Equal(first.InvalidLines, second.InvalidLines);
    }

    [Fact]
    public void Generate_DifferentSeed_ProducesDifferentLines()
    {
        var first = SampleCollection.Generate(300, 7, 0.05, 0.03);
        var second = SampleCollection.Generate(300, 8, 0.05, 0.03);

        Assert.NotEqual(first.Lines, second.Lines);
    }

    [Fact]
    public void Generate_DefaultOptions_ContainsEveryInvalidKind()
    {
        var collection = Default();

        Assert.Equal(500, collection.Lines.Count);
        var kinds = collection.InvalidLines.Select(l => l.Kind).ToHashSet();
        Assert.Equal(SampleInvalidKinds.All.Order(), kinds.Order());
        Assert.Equal(20, collection.InvalidLines.Count);
        Assert.Equal(10, collection.DuplicateLines);
        Assert.Equal(500, collection.ValidIds.Count + collection.InvalidLines.Count + collection.DuplicateLines);
    }

    [Fact]
    public void Generate_DefaultOptions_FirstThreeLinesAreValidRecords()
    {
        var collection = Default();

        for (var i = 0; i < 3; i++)
        {
            using var doc = JsonDocument.Parse(collection.Lines[i]);
            Assert.Equal(collection.ValidIds[i], doc.RootElement.GetProperty("ObjectID").GetString());
        }

        Assert.All(collection.InvalidLines, l => Assert.True(l.LineIndex >= 3));
    }

    [Fact]
    public void Generate_WithDuplicates_FinalTitlesReflectLastRevision()
    {
        var collection = SampleCollection.Generate(400, 3, 0.05, 0.1);
        var invalidIndexes = collection.InvalidLines.Select(l => l.LineIndex).ToHashSet();
        var lastTitle = new Dictionary<string, string>();
        for (var i = 0; i < collection.Lines.Count; i++)
        {
            if (invalidIndexes.Contains(i))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(collection.Lines[i]);
            lastTitle[doc.RootElement.GetProperty("ObjectID").GetString()!] = doc.RootElement.GetProperty("title").GetString()!;
        }

        Assert.Equal(40, collection.DuplicateLines);
        Assert.Equal(lastTitle.Count, collection.FinalTitles.Count);
        Assert.Equal(collection.ValidIds.Order(), collection.FinalTitles.Keys.Order());
        foreach (var (id, title) in lastTitle)
        {
            Assert.Equal(title, collection.FinalTitles[id]);
        }

        Assert.Contains(collection.FinalTitles.Values, t => t.EndsWith(" (rev 2)", StringComparison.Ordinal));
    }

    [Fact]
    public void Generate_ValidLines_HaveRealisticShape()
    {
        var collection = Default();
        var invalidIndexes = collection.InvalidLines.Select(l => l.LineIndex).ToHashSet();
        var allowedTiers = new[] { "public", "research", "restricted" };
        var omittedTier = 0;
        var nonAscii = false;

        for (var i = 0; i < collection.Lines.Count; i++)
        {
            var line = collection.Lines[i];
            Assert.DoesNotContain('\n', line);
            Assert.DoesNotContain('\r', line);
            if (invalidIndexes.Contains(i))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var id = root.GetProperty("ObjectID").GetString()!;
            Assert.Matches(@"^SM-\d{7}$", id);
            Assert.Matches(@"^\d{4}\.\d+\.\d+$", root.GetProperty("accession_number").GetString()!);
            Assert.False(string.IsNullOrEmpty(root.GetProperty("title").GetString()));
            Assert.Equal(
                $"https://media.sample-museum.example/iiif/3/{id}/full/max/0/default.jpg",
                root.GetProperty("media_url").GetString());
            Assert.Matches("^https?://(rightsstatements|creativecommons)\\.org/", root.GetProperty("rights_statement").GetString()!);
            Assert.Contains(root.GetProperty("artist").ValueKind, new[] { JsonValueKind.Object, JsonValueKind.Null });
            if (root.TryGetProperty("access_tier", out var tier))
            {
                Assert.Contains(tier.GetString(), allowedTiers);
            }
            else
            {
                omittedTier++;
            }

            var date = root.GetProperty("creation_date_iso");
            if (date.ValueKind == JsonValueKind.String)
            {
                Assert.Matches(@"^\d{4}-\d{2}-\d{2}(T00:00:00Z|T12:30:00\+01:00)?$", date.GetString()!);
            }

            nonAscii |= line.Any(c => c > 127);
        }

        Assert.True(omittedTier > 0, "some records should omit access_tier");
        Assert.True(nonAscii, "non-ASCII titles should stay readable (relaxed escaping)");
        Assert.Contains(collection.Lines, l => l.Contains("🎨", StringComparison.Ordinal) || l.Contains("🌸", StringComparison.Ordinal));
        Assert.DoesNotContain(collection.Lines, l => l.Contains("\\uD8", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(collection.Lines, l => l.Contains(@"\\", StringComparison.Ordinal));
        Assert.Contains(collection.Lines, l => l.Contains("\\\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Generate_InvalidLines_UseFreshObjectIdsAndMatchTheirKind()
    {
        var collection = Default();
        var validIds = collection.ValidIds.ToHashSet();

        foreach (var invalid in collection.InvalidLines)
        {
            Assert.Equal(collection.Lines[invalid.LineIndex], invalid.Raw);
            if (!string.IsNullOrEmpty(invalid.ObjectId))
            {
                Assert.DoesNotContain(invalid.ObjectId, validIds);
            }

            if (invalid.Kind == SampleInvalidKinds.MalformedJson)
            {
                Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(invalid.Raw).Dispose());
                continue;
            }

            using var doc = JsonDocument.Parse(invalid.Raw);
            var root = doc.RootElement;
            switch (invalid.Kind)
            {
                case SampleInvalidKinds.MissingObjectId:
                    Assert.False(root.TryGetProperty("ObjectID", out _));
                    Assert.Null(invalid.ObjectId);
                    break;
                case SampleInvalidKinds.EmptyObjectId:
                    Assert.Equal(string.Empty, root.GetProperty("ObjectID").GetString());
                    break;
                case SampleInvalidKinds.MissingTitle:
                    Assert.False(root.TryGetProperty("title", out _));
                    break;
                case SampleInvalidKinds.BadCreationDate:
                    Assert.Contains(root.GetProperty("creation_date_iso").GetString(), BadCreationDates);
                    break;
                case SampleInvalidKinds.BadAccessTier:
                    Assert.Equal("secret", root.GetProperty("access_tier").GetString());
                    break;
                case SampleInvalidKinds.BadEmbargoDate:
                    Assert.Contains(root.GetProperty("embargo_date").GetString(), BadEmbargoDates);
                    break;
                default:
                    Assert.Fail($"unexpected kind {invalid.Kind}");
                    break;
            }
        }
    }

    [Fact]
    public void Generate_EmojiAndEscapedTitles_RoundTripThroughJson()
    {
        var collection = Default();
        var titles = collection.FinalTitles.Values.ToHashSet();

        Assert.Contains("Poster: 🎨 Art for All", titles);
        Assert.Contains("Untitled \\ Composition No. 7", titles);
        Assert.Contains(titles, t => t.StartsWith("Study for \"The Bathers\"", StringComparison.Ordinal)
            || t.StartsWith("Sketchbook page: \"Paris, 1889\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(-1, 0.04, 0.02)]
    [InlineData(10, 1.5, 0.0)]
    [InlineData(10, 0.6, 0.6)]
    public void Generate_InvalidArguments_Throws(int count, double invalidRate, double duplicateRate)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleCollection.Generate(count, 1, invalidRate, duplicateRate));
    }
}
