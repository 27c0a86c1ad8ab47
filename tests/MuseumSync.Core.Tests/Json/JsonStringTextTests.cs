using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MuseumSync.Json;

namespace MuseumSync.Core.Tests.Json;

/// <summary>JSON strings written without a Utf8JsonWriter: read back as the same text, or the writer's very bytes.</summary>
public sealed class JsonStringTextTests
{
    private static string Minimal(string value)
    {
        var buffer = new ArrayBufferWriter<byte>(4);
        JsonStringText.AppendMinimal(buffer, value);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Writer(string value, JavaScriptEncoder? encoder = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = encoder }))
        {
            w.WriteStringValue(value);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static TheoryData<string> Texts => new()
    {
        string.Empty, "MS-0000078", "a\"b", "back\\slash", "tab\tnew\nline\r\0end\u001f", "\u007f del", "Ōkubo-🎨-1",
        "山水図 \"Quilt\" \\ 🎨", "<script>&'+`", "\u2028\u2029", "\"", "\\",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void AppendMinimal_AnyText_ReadsBackAsTheSameText(string value)
    {
        var json = Minimal(value);

        Assert.Equal(value, JsonDocument.Parse(json).RootElement.GetString());
        Assert.Equal(value, JsonDocument.Parse(Writer(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping)).RootElement.GetString());
    }

    [Fact]
    public void AppendMinimal_EscapesOnlyQuoteBackslashAndControls()
    {
        Assert.Equal("\"a\\\"b\\\\c\\u0009d\\u001Fé🎨<&>\"", Minimal("a\"b\\c\td\u001fé🎨<&>"));
    }

    [Fact]
    public void AppendMinimal_LoneSurrogate_IsTheReplacementCharacterAsUtf8EncodesIt()
    {
        var value = "a\ud800b\udc00";

        var json = Minimal(value);

        Assert.Equal(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(value)), JsonDocument.Parse(json).RootElement.GetString());
        Assert.Equal("a\ufffdb\ufffd", JsonDocument.Parse(json).RootElement.GetString());
    }

    [Fact]
    public void AppendMinimal_SeveralValues_AppendOneAfterAnother()
    {
        var buffer = new ArrayBufferWriter<byte>(1);
        foreach (var v in new[] { "x", new string('"', 300), "🎨" }) JsonStringText.AppendMinimal(buffer, v);

        Assert.Equal("\"x\"\"" + string.Concat(Enumerable.Repeat("\\\"", 300)) + "\"\"🎨\"", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void TryAppendDefault_EveryPrintableAsciiChar_IsTheWritersDefaultEscaping()
    {
        for (var c = (char)0x20; c <= 0x7E; c++)
        {
            var value = "a" + c + "b" + c;
            var sb = new StringBuilder();

            Assert.True(JsonStringText.TryAppendDefault(sb, value));
            Assert.Equal(Writer(value), sb.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void TryAppendDefault_AnyText_IsTheWritersTextOrDeclined(string value)
    {
        var sb = new StringBuilder("prefix");

        if (JsonStringText.TryAppendDefault(sb, value))
        {
            Assert.Equal("prefix" + Writer(value), sb.ToString());
        }
        else
        {
            Assert.Equal("prefix", sb.ToString());
            Assert.Contains(value, c => c < 0x20 || c > 0x7E);
        }
    }

    [Fact]
    public void TryAppendDefault_Null_IsDeclined()
    {
        Assert.False(JsonStringText.TryAppendDefault(new StringBuilder(), null));
    }
}
