using MuseumSync.Compliance;

namespace MuseumSync.Core.Tests.Compliance;

public sealed class RightsUriTests
{
    [Theory]
    [InlineData("https://creativecommons.org/licenses/by/4.0/deed.de", "creativecommons.org/licenses/by/4.0")]
    [InlineData("http://creativecommons.org/licenses/by-sa/4.0/legalcode", "creativecommons.org/licenses/by-sa/4.0")]
    [InlineData("HTTP://www.RightsStatements.org/vocab/InC/1.0/?lang=de", "rightsstatements.org/vocab/inc/1.0")]
    [InlineData("  http://rightsstatements.org/vocab/NoC-US/1.0  ", "rightsstatements.org/vocab/noc-us/1.0")]
    [InlineData("CC0", "creativecommons.org/publicdomain/zero/1.0")] // the Smithsonian Open Access metadata_usage.access (issue #17)
    [InlineData(" cc0-1.0 ", "creativecommons.org/publicdomain/zero/1.0")] // its SPDX id
    [InlineData("Usage conditions apply", "usage conditions apply")]
    public void Normalize_SpellingsOfOneStatement_OneForm(string uri, string expected) => Assert.Equal(expected, RightsUri.Normalize(uri));

    [Theory]
    [InlineData("https://creativecommons.org/publicdomain/zero/1.0/deed.de", "http://creativecommons.org/publicdomain/zero/1.0/")]
    [InlineData("https://rightsstatements.org/vocab/InC/1.0/", "http://rightsstatements.org/vocab/InC/1.0/")]
    [InlineData("https://en.wikipedia.org/wiki/License", null)]
    [InlineData("CC0", null)]
    public void ToIiifForm_KnownVocabularies_HttpForm(string uri, string? expected) => Assert.Equal(expected, RightsUri.ToIiifForm(uri));
}
