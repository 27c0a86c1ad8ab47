using System.Reflection;
using MuseumSync.Compliance;

namespace MuseumSync.Core.Tests.Compliance;

public sealed class RecordCopyTests
{
    [Fact]
    public void WithIssue_EveryPublicPropertyCarriedOver()
    {
        var original = new MuseumRecord
        {
            Source = "s", ObjectId = "o", AccessionNumber = "a", Title = "t", CreationDate = "1889", CreationEndDate = "1890", RightsStatement = "r",
            EmbargoDate = new DateOnly(2030, 1, 1), AccessTier = AccessTier.Research, IiifManifestUrl = "https://m", MediaUrl = "https://i",
            RawJson = "{}", Position = "p", ResumePosition = "rp", Watermark = "w", PageNumber = 3, LineNumber = 4, SourceUrl = "https://u",
            CorrelationId = "c", FetchedAt = DateTimeOffset.UnixEpoch.AddDays(1), IsDeleted = true,
        };
        original.EndOfPage = true;
        original.EndOfFeed = true;
        var issue = new ValidationIssue("rights_statement", "rights-unclassified", "m");
        // Every property must hold a non-default value above, or this test cannot tell whether it was copied.
        var defaults = typeof(MuseumRecord).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.Name is not (nameof(MuseumRecord.Issues) or nameof(MuseumRecord.IsValid) or nameof(MuseumRecord.TierRule) or nameof(MuseumRecord.AssignedAccessTier)))
            .Where(p => p.GetValue(original) is null || Equals(p.GetValue(original), p.PropertyType.IsValueType ? Activator.CreateInstance(p.PropertyType) : null))
            .Select(p => p.Name)
            .ToList();
        Assert.True(defaults.Count == 0, $"Give these properties a value in RecordCopyTests: {string.Join(", ", defaults)}.");

        var copy = RecordCopy.WithIssue(original, issue, "rights-unclassified");

        var differing = typeof(MuseumRecord).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.Name is not (nameof(MuseumRecord.Issues) or nameof(MuseumRecord.IsValid) or nameof(MuseumRecord.TierRule) or nameof(MuseumRecord.AssignedAccessTier)))
            .Where(p => !Equals(p.GetValue(original), p.GetValue(copy)))
            .Select(p => p.Name)
            .ToList();
        Assert.True(differing.Count == 0, $"RecordCopy.WithIssue does not carry over: {string.Join(", ", differing)}. Add them to src/MuseumSync.Core/Compliance/RecordCopy.cs.");
        Assert.Equal(issue, Assert.Single(copy.Issues));
    }
}
