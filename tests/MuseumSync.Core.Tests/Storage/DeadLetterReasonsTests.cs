using MuseumSync.Storage;

namespace MuseumSync.Core.Tests.Storage;

/// <summary>The stored reasons are the text a Utf8JsonWriter with its default encoder writes, whichever path writes them.</summary>
public sealed class DeadLetterReasonsTests
{
    // The writer's text (what the store wrote before the direct path, and still writes for other text): the reference.
    private static string Reference(IReadOnlyList<ValidationIssue> issues) => DeadLetterReasons.Written(issues);

    public static TheoryData<string> Messages => new()
    {
        "'secret' is not an access tier; use one of public, research, restricted (or leave it out for public).",
        "The line is not a JSON record: the text is not valid JSON (byte 271): Expected end of string, but instead reached end of data. LineNumber: 0 | BytePositionInLine: 271.",
        "a \"quoted\" C:\\path <b>&amp;</b> 1+1 `tick`",
        "line one\nline two\ttab",
        "Müller 山水図 🎨",
        "\u2028",
        string.Empty,
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void ToJson_AnyMessage_IsTheWritersText(string message)
    {
        IReadOnlyList<ValidationIssue> issues = [new("access_tier", "vocabulary", message), new("(record)", "json", "second 'one'")];

        var json = DeadLetterReasons.ToJson(issues);

        Assert.Equal(Reference(issues), json);
        Assert.Equal(issues, DeadLetterReasons.FromJson(json));
    }

    [Fact]
    public void ToJson_NoIssues_IsAnEmptyArray()
    {
        Assert.Equal("[]", DeadLetterReasons.ToJson([]));
    }

    [Fact]
    public void ToJson_NonAsciiInAnyValue_IsTheWritersText()
    {
        IReadOnlyList<ValidationIssue> issues = [new("title", "ok", "fine"), new("títle", "règle", "ok"), new("a", "b", "\u0001")];

        Assert.Equal(Reference(issues), DeadLetterReasons.ToJson(issues));
    }
}
