using System.Text;
using MuseumSync.Mapping;

namespace MuseumSync.Core.Tests.Mapping;

public sealed class JsonRecordMapperValueCacheTests
{
    private static RawFields Read(JsonRecordMapper m, string json) => m.Read(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Read_RepeatedVocabularyValues_SameStringShared()
    {
        var m = new JsonRecordMapper(FieldMap.Generic);
        var a = Read(m, """{"ObjectID":"1","rights_statement":"http://rightsstatements.org/vocab/InC/1.0/","access_tier":"research"}""");
        var b = Read(m, """{"ObjectID":"2","rights_statement":"http://rightsstatements.org/vocab/InC/1.0/","access_tier":"research"}""");

        Assert.Equal("http://rightsstatements.org/vocab/InC/1.0/", b[MappedField.RightsStatement]);
        Assert.Same(a[MappedField.RightsStatement], b[MappedField.RightsStatement]);
        Assert.Same(a[MappedField.AccessTier], b[MappedField.AccessTier]);
    }

    [Fact]
    public void Read_ManyDistinctValues_EachReadBackExactly()
    {
        var m = new JsonRecordMapper(FieldMap.Generic);
        for (var i = 0; i < 100; i++)
        {
            var tier = "tier-" + (i % 40).ToString(System.Globalization.CultureInfo.InvariantCulture) + "-ü";
            Assert.Equal(tier, Read(m, $$"""{"access_tier":"{{tier}}"}""")[MappedField.AccessTier]);
        }
    }

    [Fact]
    public void Read_EscapedValue_Unescaped()
    {
        var m = new JsonRecordMapper(FieldMap.Generic);
        Assert.Equal("pub\"lic", Read(m, """{"access_tier":"pub\"lic"}""")[MappedField.AccessTier]);
        Assert.Equal("pub\"lic", Read(m, """{"access_tier":"pub\u0022lic"}""")[MappedField.AccessTier]);
    }

    [Fact]
    public void Read_InvalidUtf8InCachedField_StillAJsonError()
    {
        var m = new JsonRecordMapper(FieldMap.Generic);
        var bytes = Encoding.UTF8.GetBytes("""{"ObjectID":"1","access_tier":"pub_lic"}""");
        bytes[Array.LastIndexOf(bytes, (byte)'_')] = 0xFF; // in the value, not in the name

        var f = m.Read(bytes);

        Assert.NotNull(f.JsonError);
        // And the same bytes again (a cache must not have kept them) fail the same way.
        Assert.NotNull(m.Read(bytes).JsonError);
    }
}
